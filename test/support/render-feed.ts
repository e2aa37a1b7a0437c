/**
 * @module test/support/render-feed
 * src/feeds' renderFeed with the document decoded to text, for tests that read it.
 */
import { renderFeed } from "../../src/feeds";

export function renderFeedText(...args: Parameters<typeof renderFeed>): { body: string; contentType: string } {
  const { body, contentType } = renderFeed(...args);
  return { body, contentType };
}
