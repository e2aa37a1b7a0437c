/** Bindings the vitest config adds for tests. */
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("@cloudflare/vitest-plugin").D1Migration[];
    /** JSON of test/support/fixtures.ts FixturePost[] */
    TEST_POSTS: string;
    /** docs/architecture.md, for the check that its URL table lists every route */
    TEST_ARCHITECTURE_DOC: string;
  }
}
