/**
 * @module feeds/document
 * One feed document from stored fragments: each item's fragment (rendered now
 * when none is stored for this site and code), its content slot filled with
 * the full body for the first `fullItems` entries and left to the summary
 * after them, inside the channel's frame. Size discipline: no document
 * exceeds MAX_DOCUMENT_BYTES, whatever the bodies; a body that does not fit
 * leaves its entry with the summary, an entry that does not fit ends the
 * document early with a `next` link to the rest.
 */
import type { SiteConfig } from "../config";
import { cleanText, squash, utf8Length } from "../content/text";
import { entryUpdated, toEntry } from "./entry";
import { keyFor } from "./fragments";
import type { Channel, ChannelInput, FeedItem, FeedWriter } from "./model";
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

export function renderDocument(
  writer: FeedWriter,
  config: SiteConfig,
  input: ChannelInput,
  items: FeedItem[],
  opts: DocumentOptions,
): string {
  const stale = items.filter((i) => !(i.fragment && i.fragmentKey === keyFor(config, i)));
  const rendered = stale.length
    ? writer.fragments(
        stale.map((i) => toEntry(config, i)),
        config.author,
      )
    : [];
  const fragments = new Map(stale.map((item, n) => [item, rendered[n] as string]));

  const maxBytes = opts.maxBytes ?? MAX_DOCUMENT_BYTES;
  // The frame as large as it can get (a `next` link after the last item) bounds what entries may use.
  const lastNext = items.length && opts.nextPathAfter ? opts.nextPathAfter(items.length - 1) : input.nextPath;
  const widest = writer.frame(channelOf(config, input, opts.hubUrl, lastNext ?? input.nextPath, 0));
  let budget = maxBytes - utf8Length(widest.head) - utf8Length(widest.tail) - 64;

  const pieces: string[] = [];
  let updated = 0;
  for (const [i, item] of items.entries()) {
    const fragment = fragments.get(item) ?? (item.fragment as string);
    const summary = squash(cleanText(item.summary));
    const fill = (html: string | null) => fragment.replace(SLOT, () => writer.content(html, summary));
    let piece = i < opts.fullItems && item.bodyHtml !== null ? fill(fullBody(config, item)) : fill(null);
    let size = utf8Length(piece) + writer.separator.length;
    if (size > budget && i < opts.fullItems) {
      piece = fill(null);
      size = utf8Length(piece) + writer.separator.length;
    }
    if (size > budget) break;
    budget -= size;
    pieces.push(piece);
    updated = Math.max(updated, entryUpdated(item));
  }
  // Ended early: the next page starts after the last entry shown (after the first, if even it did not fit).
  const nextPath =
    pieces.length < items.length && opts.nextPathAfter ? opts.nextPathAfter(Math.max(pieces.length - 1, 0)) : input.nextPath;
  const { head, tail } = writer.frame(channelOf(config, input, opts.hubUrl, nextPath, updated));
  return head + pieces.join(writer.separator) + tail;
}
