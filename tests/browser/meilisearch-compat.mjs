// The Meilisearch clients, unmodified, against a running newsdex: the
// `meilisearch` JavaScript client's search and multiSearch, and
// `@meilisearch/instant-meilisearch`'s search client called the way
// InstantSearch calls it. Usage: node meilisearch-compat.mjs URL
import assert from 'node:assert/strict';
import { Meilisearch } from 'meilisearch';
import { instantMeiliSearch } from '@meilisearch/instant-meilisearch';

const host = process.argv[2];
const client = new Meilisearch({ host });

// Index information.
const index = await client.index('articles').getRawInfo();
assert.equal(index.uid, 'articles');
assert.equal(index.primaryKey, 'id');

// search: hits, facet distribution, highlights in the requested tags.
const result = await client.index('articles').search('geneva', {
  facets: ['tag', 'location'],
  attributesToHighlight: ['title'],
  highlightPreTag: '<em>',
  highlightPostTag: '</em>',
  limit: 5,
});
// The last word matches as a prefix with a typo forgiven, as in
// Meilisearch: the two Geneva articles rank first.
assert.equal(result.estimatedTotalHits, result.hits.length);
assert.equal(result.hits[0].title, 'Ceasefire talks resume in Geneva with new mediators');
assert.match(result.hits[1]._formatted.body, /<em>Geneva<\/em>/);
assert.equal(
  result.hits[0]._formatted.title,
  'Ceasefire talks resume in <em>Geneva</em> with new mediators',
);
assert.equal(result.facetDistribution.location.Geneva, 2);
assert.equal(result.facetDistribution.tag.Ceasefire, 2);

// A filter narrows, and its facet still counts; a date range and sort.
const filtered = await client.index('articles').search('', {
  filter: 'tag = "Ceasefire" AND published_at >= 2025-01-13',
  facets: ['source'],
  sort: ['published_at:desc'],
  hitsPerPage: 1,
  page: 1,
});
assert.equal(filtered.totalHits, 2);
assert.equal(filtered.totalPages, 2);
assert.equal(filtered.hits.length, 1);

// multiSearch answers each query, with its index uid.
const multi = await client.multiSearch({
  queries: [
    { indexUid: 'articles', q: 'ceasefire', limit: 1 },
    // No word of the demo articles is within an edit of this one.
    { indexUid: 'articles', q: 'qxzvjwq' },
  ],
});
assert.equal(multi.results.length, 2);
assert.equal(multi.results[0].indexUid, 'articles');
assert.equal(multi.results[0].hits.length, 1);
assert.equal(multi.results[1].estimatedTotalHits, 0);

// A filter newsdex cannot express comes back as Meilisearch's error.
await assert.rejects(
  client.index('articles').search('', { filter: 'tag = a OR source = b' }),
  (error) => error.cause?.code === 'invalid_search_filter' || /different fields/.test(error.message),
);

// instant-meilisearch, called as InstantSearch calls it: a refinement list
// on tag, a highlighted title, and the facet counts a sidebar shows.
const { searchClient } = instantMeiliSearch(host, '');
const answer = await searchClient.search([
  {
    indexName: 'articles',
    params: {
      query: 'ceasefire',
      facets: ['tag', 'location'],
      facetFilters: [['tag:Ceasefire']],
      highlightPreTag: '__ais-highlight__',
      highlightPostTag: '__/ais-highlight__',
      hitsPerPage: 10,
      page: 0,
    },
  },
]);
const first = answer.results[0];
assert.equal(first.nbHits, 2);
assert.equal(first.facets.location.Geneva, 2);
const titles = first.hits.map((hit) => hit.title).sort();
assert.deepEqual(titles, [
  'Ceasefire talks resume in Geneva with new mediators',
  'Morning briefing: ceasefire talks, rail strikes and a record heatwave',
]);
const geneva = first.hits.find((hit) => hit.title.startsWith('Ceasefire talks'));
assert.match(geneva._highlightResult.title.value, /__ais-highlight__Ceasefire__\/ais-highlight__/);

// Facet value search, as a refinement list's search box does it.
const values = await searchClient.searchForFacetValues([
  { indexName: 'articles', params: { facetName: 'location', facetQuery: 'gen' } },
]);
assert.equal(values[0].facetHits[0].value, 'Geneva');
assert.equal(values[0].facetHits[0].count, 2);

console.log('meilisearch clients: all assertions passed');
