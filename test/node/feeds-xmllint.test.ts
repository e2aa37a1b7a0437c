/**
 * @module test/node/feeds-xmllint
 * libxml2's parser (xmllint) is the strict referee: hundreds of Atom and RSS
 * documents rendered by src/feeds from generated hostile text (lone
 * surrogates, every control character, `]]>`, `&`, `<`) must all parse, and
 * the same harness must reject a document the `feed` package alone would
 * have produced from such text.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Feed } from "feed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderFeedText } from "../support/render-feed";
import { asItems, hostilePosts, hostileText } from "../support/hostile-text";
import { requires, runs } from "../support/requires";
import { SITE_CONFIG } from "../support/site-config";

const hasXmllint = requires("feeds-xmllint", "xmllint", runs("xmllint", ["--version"]), "apt-get install libxml2-utils");

const config = SITE_CONFIG;

function xmllint(files: string[]) {
  return spawnSync("xmllint", ["--noout", "--nonet", ...files], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

describe.skipIf(!hasXmllint)("xmllint accepts every feed src/feeds renders", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "finews-feeds-xmllint-"));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("for 400 documents of generated hostile text", () => {
    const samples = fc.sample(fc.tuple(hostilePosts, hostileText, fc.boolean()), { numRuns: 200, seed: 20240301 });
    const files: string[] = [];
    samples.forEach(([posts, label, paged], i) => {
      for (const format of ["atom", "rss"] as const) {
        const { body } = renderFeedText(
          format,
          config,
          {
            title: label,
            description: label,
            // Unescaped on purpose: the renderer must cope with any path.
            homePath: `/category/${label}.html`,
            selfPath: "/feed/x.xml",
            idPath: "/feed/x.xml",
            feedPath: "/feed/x.xml",
            nextPath: paged ? "/feed/x.xml?limit=3&before=1.2" : null,
          },
          asItems(posts),
          { fullItems: 20, hubUrl: paged ? "https://hub.example/?a=1&b=<2>" : null },
        );
        const file = join(dir, `${i}.${format}.xml`);
        writeFileSync(file, body, "utf8");
        files.push(file);
      }
    });
    const r = xmllint(files);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("while the feed package alone produces XML that xmllint rejects for the same kinds of text", () => {
    const feed = new Feed({ id: "https://example.com/", title: "t", link: "https://example.com/" });
    feed.addItem({
      title: "one ]]> two ]]> three",
      link: "https://example.com/a",
      date: new Date(0),
      category: [{ term: "a<b" }],
    });
    const file = join(dir, "package-alone.xml");
    writeFileSync(file, feed.atom1(), "utf8");
    const r = xmllint([file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/parser error/);
  });
});
