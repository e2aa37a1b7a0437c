/**
 * @module feeds/document
 * One feed document from stored fragments: each item's fragment (rendered now
 * when none is stored for this site and code, the first `storeMax` of those in
 * all three formats and returned, so the caller can store them), its content slot filled with
 * the full body for the first `fullItems` entries and left to the summary
 * after them, inside the channel's frame. Size discipline: no document
 * exceeds MAX_DOCUMENT_BYTES, whatever the bodies; a body that does not fit
 * leaves its entry with the summary, an entry that does not fit ends the
 * document early with a `next` link to the rest.
 */
import type { SiteConfig } from "../config";
import { cleanText, squash } from "../content/text";
import { entryUpdated, toEntry } from "./entry";
import { keyFor, renderFragments } from "./fragments";
import type { Channel, ChannelInput, FeedFragments, FeedItem, FeedWriter } from "./model";
import { absoluteUrl, absolutizeHtml } from "./urls";
import { escapeHtml, SLOT } from "./xml-guards";

export const GENERATOR = "finews-edge";
/** Largest feed document, bytes (UTF-8). */
export const MAX_DOCUMENT_BYTES = 2_000_000;

export interface DocumentOptions {
  /** Entries carrying their full body; the rest carry their summary. */
  fullItems: number;
  /** WebSub hub to advertise, or null. */
  hubUrl: string | null;
  /** The next page's path after the item at `index`, when the document has to end before its items do. */
  nextPathAfter?: (index: number) => string;
  /** Size cap in bytes (tests lower it). */
  maxBytes?: number;
  /**
   * Entries without a current stored fragment that are rendered in all three formats and
   * returned for storing (the first this many); the rest are rendered in this format only.
   */
  storeMax?: number;
}

/** A feed document, and the entries it rendered in all three formats (by item index), to be stored. */
export interface RenderedDocument {
  body: string;
  rendered: { index: number; fragments: FeedFragments }[];
}

function channelOf(
  config: SiteConfig,
  input: ChannelInput,
  hubUrl: string | null,
  nextPath: string | null,
  updated: number,
): Channel {
  return {
    title: squash(cleanText(input.title)) || config.title,
    description: squash(cleanText(input.description)),
    lang: config.lang,
    author: config.author,
    generator: GENERATOR,
    homeUrl: absoluteUrl(config.siteUrl, input.homePath),
    selfUrl: absoluteUrl(config.siteUrl, input.selfPath),
    id: absoluteUrl(config.siteUrl, input.idPath),
    feedUrl: absoluteUrl(config.siteUrl, input.feedPath),
    nextUrl: nextPath ? absoluteUrl(config.siteUrl, nextPath) : null,
    hubUrl,
    // Same value as the validator's Last-Modified; an empty feed is dated at the epoch, not "now".
    updated: new Date(updated),
  };
}

/** The body as a feed carries it: cleaned, links absolute; an empty body stands as its summary. */
function fullBody(config: SiteConfig, item: FeedItem): string {
  const url = absoluteUrl(config.siteUrl, item.path);
  const body = absolutizeHtml(cleanText(item.bodyHtml ?? ""), url).trim();
  if (body) return body;
  const e = toEntry(config, item);
  return `<p>${escapeHtml(e.summary || e.title)}</p>`;
}

/** Scratch space for counting UTF-8 bytes natively (encodeInto), grown as needed; holds nothing between calls. */
let scratch = new Uint8Array(1 << 16);
const encoder = new TextEncoder();

/** UTF-8 bytes of `s`: the native encoder is far cheaper than counting in JavaScript. */
function utf8Bytes(s: string): number {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  return encoder.encodeInto(s, scratch).written;
}

/**
 * The feed document. Sizes come from what is already known (the database gives each stored
 * fragment's UTF-8 length; only entries rendered now and the full bodies are counted here), so a
 * thousand-entry document is never encoded just to be measured. A document within the cap is
 * built once; a larger one drops bodies that do not fit (their entries keep their summary) and
 * ends at the first entry that does not fit, with a `next` link to the rest.
 */
export function renderDocument(
  writer: FeedWriter,
  config: SiteConfig,
  input: ChannelInput,
  items: FeedItem[],
  opts: DocumentOptions,
): RenderedDocument {
  const fragments: string[] = [];
  /** UTF-8 bytes of each entry with its default content (SLOT markers are one byte each). */
  const plain: number[] = [];
  const stale: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as FeedItem;
    if (item.fragment && item.fragmentKey === keyFor(config, item)) {
      fragments.push(item.fragment);
      plain.push(item.fragmentBytes ?? utf8Bytes(item.fragment));
    } else {
      fragments.push("");
      plain.push(0);
      stale.push(i);
    }
  }
  // Missing or stale entries: the first storeMax in all three formats (to be stored), the rest in this one.
  const kept = stale.slice(0, opts.storeMax ?? 0);
  const allFormats = renderFragments(
    config,
    kept.map((i) => items[i] as FeedItem),
  );
  const rest = stale.slice(kept.length);
  const fresh = [
    ...allFormats.map((f) => f[writer.format]),
    ...(rest.length
      ? writer.fragments(
          rest.map((i) => toEntry(config, items[i] as FeedItem)),
          config.author,
        )
      : []),
  ];
  stale.forEach((i, k) => {
    fragments[i] = fresh[k] as string;
    plain[i] = utf8Bytes(fresh[k] as string);
  });
  for (let i = 0; i < items.length; i++) plain[i] = (plain[i] as number) - slots(fragments[i] as string).markers;
  const bodies = items.map((item, i) =>
    i < opts.fullItems && item.bodyHtml !== null
      ? writer.content(fullBody(config, item), () => squash(cleanText(item.summary)))
      : null,
  );
  /** Bytes of each entry with its body instead of its default content. */
  const full = bodies.map((b, i) =>
    b === null ? 0 : (plain[i] as number) - defaultBytes(fragments[i] as string) + utf8Bytes(b),
  );

  const maxBytes = opts.maxBytes ?? MAX_DOCUMENT_BYTES;
  // The frame as large as it can get (a `next` link after the last item) bounds what entries may use.
  const lastNext = items.length && opts.nextPathAfter ? opts.nextPathAfter(items.length - 1) : input.nextPath;
  const widest = writer.frame(channelOf(config, input, opts.hubUrl, lastNext ?? input.nextPath, 0));
  let budget = maxBytes - utf8Bytes(widest.head) - utf8Bytes(widest.tail) - 64;
  let shown = 0;
  for (let i = 0; i < items.length; i++) {
    const sep = shown ? writer.separator.length : 0;
    if (bodies[i] != null && (full[i] as number) + sep <= budget) {
      budget -= (full[i] as number) + sep;
    } else {
      bodies[i] = null;
      if ((plain[i] as number) + sep > budget) break;
      budget -= (plain[i] as number) + sep;
    }
    shown++;
  }
  // Ended early: the next page starts after the last entry shown (after the first, if even it did not fit).
  const nextPath = shown < items.length && opts.nextPathAfter ? opts.nextPathAfter(Math.max(shown - 1, 0)) : input.nextPath;
  return {
    body: assemble(writer, config, input, items, fragments, bodies, opts, nextPath, shown),
    rendered: kept.map((index, k) => ({ index, fragments: allFormats[k] as FeedFragments })),
  };
}

/** Where a fragment's slot is: one SLOT (nothing by default) or two around its default content. */
function slots(fragment: string): { open: number; end: number; markers: number } {
  const open = fragment.indexOf(SLOT);
  const close = fragment.indexOf(SLOT, open + 1);
  return close < 0 ? { open, end: open, markers: 1 } : { open, end: close, markers: 2 };
}

/** UTF-8 bytes of a fragment's default content. */
function defaultBytes(fragment: string): number {
  const { open, end } = slots(fragment);
  return end > open ? utf8Bytes(fragment.slice(open + 1, end)) : 0;
}

/** The document of the first `count` items: each fragment with its slot filled, in order. */
function assemble(
  writer: FeedWriter,
  config: SiteConfig,
  input: ChannelInput,
  items: FeedItem[],
  fragments: string[],
  bodies: (string | null)[],
  opts: DocumentOptions,
  nextPath: string | null,
  count: number,
): string {
  // Slices, joined once: one flat string (a rope of thousands of pieces costs far more to encode).
  const parts: string[] = [""];
  let updated = 0;
  for (let i = 0; i < count; i++) {
    const fragment = fragments[i] as string;
    const { open, end } = slots(fragment);
    if (i) parts.push(writer.separator);
    parts.push(fragment.slice(0, open), bodies[i] ?? fragment.slice(open + 1, end), fragment.slice(end + 1));
    updated = Math.max(updated, entryUpdated(items[i] as FeedItem));
  }
  const { head, tail } = writer.frame(channelOf(config, input, opts.hubUrl, nextPath, updated));
  parts[0] = head;
  parts.push(tail);
  return parts.join("");
}
