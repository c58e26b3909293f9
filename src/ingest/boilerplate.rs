//! Lines that belong to the site, not to the story: navigation prompts,
//! newsletter and subscription calls, share and "read more" links, advert
//! labels, time stamps and photo credits set as their own lines. Used by
//! the page-text reader and on the main text of HTML pages.

/// Whole lines (lower case, without a final `.` or `:`).
const WHOLE_LINES: &[&str] = &[
    "skip to content",
    "advertisement",
    "advert",
    "share",
    "share this article",
    "read more",
    "related",
    "related articles",
    "most read",
    "comments",
];

/// Openings of a line of any length.
const PREFIXES: &[&str] = &[
    "thank you for signing up",
    "we've sent you a confirmation email",
    "we’ve sent you a confirmation email",
    "sign up for our",
    "sign up to our",
    "subscribe to our newsletter",
    "click here to subscribe",
    "enter your email",
    "this post may contain affiliate",
    "this slideshow requires javascript",
];

/// Openings of a short line (see [`SHORT_LINE_WORDS`]): a sentence of the
/// story may open so, a line of a few words so opened is the site's.
const SHORT_PREFIXES: &[&str] = &[
    "updated",
    "last updated",
    "published",
    "first published",
    "posted",
    "photo:",
    "photo by",
    "photograph:",
    "image:",
    "(image",
    "picture:",
    "credit:",
    "advertisement",
    "continue reading",
    "read more",
    "see more",
    "see also",
    "also read",
    "related:",
    "you may also like",
    "recommended",
    "sign up",
    "subscribe",
    "follow us",
    "share this",
    "sharing is caring",
    "click here",
    "get the latest",
    "get breaking news",
    "tell us what you think",
    "like this story",
    "skip to",
    "copyright",
    "all rights reserved",
];

/// Most words of a line the short openings apply to.
const SHORT_LINE_WORDS: usize = 15;

/// Most words of a line that a copyright sign anywhere makes the site's
/// ("The contents of this site are ©2019 Capitol Hill Publishing Corp.").
const COPYRIGHT_LINE_WORDS: usize = 30;

/// Whether `line` is the site's rather than the story's.
pub fn is_boilerplate(line: &str) -> bool {
    // A separator the page set before a time stamp ("| UPDATED: 11:05")
    // is no part of the line's opening.
    let lower = line
        .trim()
        .trim_start_matches(['|', '·', '•', '–', '—'])
        .trim_start()
        .to_lowercase();
    if lower.contains('©') && lower.split_whitespace().count() <= COPYRIGHT_LINE_WORDS {
        return true;
    }
    if WHOLE_LINES.contains(&lower.trim_end_matches(['.', ':'])) {
        return true;
    }
    if PREFIXES.iter().any(|prefix| opens_with(&lower, prefix)) {
        return true;
    }
    lower.split_whitespace().count() <= SHORT_LINE_WORDS
        && SHORT_PREFIXES
            .iter()
            .any(|prefix| opens_with(&lower, prefix))
}

/// `line` opens with `prefix` as whole words ("subscribe" opens
/// "subscribe now", not "subscribers").
fn opens_with(line: &str, prefix: &str) -> bool {
    line.strip_prefix(prefix).is_some_and(|rest| {
        rest.chars()
            .next()
            .is_none_or(|next| !next.is_alphanumeric())
            || !prefix.ends_with(|c: char| c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::is_boilerplate;

    #[test]
    fn site_lines_go_and_story_lines_stay() {
        for line in [
            "Skip to content",
            "Advertisement",
            "Updated Nov 19, 6:55 AM; Posted Nov 19, 6:51 AM",
            "PUBLISHED: 10:48, Tue, Nov 19, 2019",
            "Continue Reading Below",
            "You may also like...",
            "Photo: Damian Dovarganes, AP",
            "(Image: GETTY)",
            "Thank you for signing up for this newsletter.",
            "| UPDATED: 11:05, Tue, Nov 19, 2019",
            "Like this story? Share it with a friend!",
            "© 2019 Reuters",
            "The contents of this site are ©2019 Capitol Hill Publishing Corp., a subsidiary of News Communications, Inc.",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
        for line in [
            "Updated figures from the statistics office show that inflation fell for a third month in a row, to 2.1 per cent, the lowest since 2021.",
            "Subscribers to the service will pay more.",
            "The council published its budget on Monday.",
            "Comments from the minister surprised the markets.",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }
}
