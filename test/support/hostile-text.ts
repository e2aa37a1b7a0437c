/**
 * @module test/support/hostile-text
 * fast-check generators for feed input nobody escaped: every UTF-16 code unit
 * (C0/C1 controls, U+FFFE/U+FFFF, unpaired surrogates) mixed with the
 * sequences that break XML and HTML (`]]>`, `&`, `<`, entity look-alikes).
 */
import fc from "fast-check";
import type { FeedItem, FeedPost } from "../../src/feeds/model";

/** A post for the feed renderers, with its body. */
export type TestPost = FeedPost & { bodyHtml: string };

/** Posts as a feed reads them when no fragment is stored yet (the renderer writes each now). */
export const asItems = (posts: TestPost[]): FeedItem[] => posts.map((p) => ({ ...p, fragment: null, fragmentKey: null }));

const SPECIALS = ["]]>", "]]", "]", ">", "<", "&", "&amp;", "&lt;", "&#0;", "&#x1;", "<![CDATA[", '"', "'", "\r", "\r\n", "\t"];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom(..."abc 中文新闻\u0000\u0001\u0002\u0003\u001f\u007f\u0085\ud800\udc00\ufffe\uffff") },
);

export const hostileText = fc.string({ unit, maxLength: 40 });

/** One to three posts whose every text field is hostile; slugs and paths stay unique. */
export const hostilePosts: fc.Arbitrary<TestPost[]> = fc
  .array(
    fc.record({
      slug: fc.stringMatching(/^[a-z0-9]{1,12}$/),
      title: hostileText,
      summary: hostileText,
      bodyHtml: hostileText,
      pathTail: hostileText,
      firstImage: fc.option(
        fc.oneof(
          hostileText,
          hostileText.map((s) => `https://img.example.com/${s}.png`),
        ),
        { nil: null },
      ),
      publishedAt: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
      updatedAt: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
      createdAt: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
      categories: fc.array(hostileText, { maxLength: 3 }),
      tags: fc.array(hostileText, { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((raw) => raw.map(({ pathTail, ...p }, i) => ({ ...p, slug: `${p.slug}${i}`, path: `/c/${pathTail}/${p.slug}${i}.html` })));
