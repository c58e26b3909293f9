//! Typo tolerance: the near spellings of a word in a term dictionary
//! (`automaton`, for searching) and whether one word is within a few edits
//! of another (`distance`, for highlighting and facet value search).

pub mod automaton;
pub mod distance;
