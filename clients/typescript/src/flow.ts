// The whole API flow through the generated client (openapi-typescript types, openapi-fetch calls)
// against a live server: API_BASE_URL, default http://127.0.0.1:8000. Every response goes through
// the Contract middleware (its status, content type and body must match the live schema), and
// every body, errors included, is read through its generated type, so this file does not
// type-check (`tsc --strict`) when the schema does not declare a body the API sends.
//
// Each step runs even when an earlier one failed (unless it needs what that one produced); the
// exit code is 1 when any failed. Usernames are unique per run, so it can run again against the
// same server (its throttles permitting: the test that starts the server lifts them).
import assert from "node:assert/strict";
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import { Contract } from "./contract.js";
import { favoriteFirstMatch } from "./example.js";

type Schemas = components["schemas"];
type Method = "get" | "put" | "post" | "delete" | "patch";
type Responses<P extends keyof paths, M extends Method> =
  NonNullable<paths[P][M]> extends { responses: infer R } ? R : never;
type Undeclared<Why extends string> = { readonly "schema error": Why };
type JsonBody<R> = R extends { content: { "application/json": infer B } }
  ? B
  : Undeclared<"this status declares no JSON body">;
/** The JSON body the schema declares for this operation and status: assigning it to a component
 * type (`const err: Schemas["ErrorDetail"] = ...`) does not compile unless the schema says so. */
type Body<P extends keyof paths, M extends Method, S extends number> =
  S extends keyof Responses<P, M>
    ? JsonBody<Responses<P, M>[S]>
    : Undeclared<"this operation declares no such status">;
type Result = { data?: unknown; error?: unknown; response: Response };

const baseUrl = process.env.API_BASE_URL ?? "http://127.0.0.1:8000";

/** The body of an answer that must have this status (data or error, as openapi-fetch split it). */
function bodyOf<P extends keyof paths, M extends Method, S extends number>(
  path: P, method: M, status: S, result: Result,
): Body<P, M, S> {
  const { response } = result;
  const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`);
  assert.match(new URL(response.url).pathname, pattern, `the answer is not from ${path}`);
  const body = result.data ?? result.error;
  assert.equal(
    response.status, status,
    `${method.toUpperCase()} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(body ?? null)}`,
  );
  return body as Body<P, M, S>;
}

function need<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new Error(`not run: needs the "${step}" step`);
  return value;
}

/** The login's 400 is either shape: a detail (wrong credentials) or field errors. */
function isErrorDetail(
  body: Schemas["ErrorDetailOrFieldErrors"],
): body is Schemas["ErrorDetail"] {
  return typeof (body as { detail?: unknown }).detail === "string";
}

/** A 400 read as field errors: it must not be a detail (a body that was not JSON, say). */
function fieldErrors(body: Schemas["ErrorDetailOrFieldErrors"]): Schemas["FieldErrors"] {
  assert.ok(!isErrorDetail(body), `expected field errors, got ${JSON.stringify(body)}`);
  return body;
}

function nonEmptyStrings(value: readonly string[] | undefined, what: string): void {
  assert.ok(Array.isArray(value) && value.length > 0, `${what}: expected messages, got ${JSON.stringify(value)}`);
  for (const message of value) assert.equal(typeof message, "string");
}

const outcomes: { name: string; error?: unknown }[] = [];

async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    outcomes.push({ name });
    console.log(`ok    ${name}`);
  } catch (error) {
    outcomes.push({ name, error });
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.log(`FAIL  ${name}\n      ${text.replaceAll("\n", "\n      ")}`);
  }
}

const contract = await Contract.fetch(baseUrl);
const anonymous = createClient<paths>({ baseUrl });
anonymous.use(contract.middleware());
let access: string | undefined;
const authed = createClient<paths>({ baseUrl });
authed.use(
  {
    onRequest: ({ request }) => {
      if (access !== undefined) request.headers.set("Authorization", `Bearer ${access}`);
      return request;
    },
  },
  contract.middleware(),
);

const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const account = { username: `ts-${suffix}`, email: `ts-${suffix}@example.com`, password: "Ts-client-9-pass!" };
let refresh: string | undefined;
let movieId: number | undefined;
let favoriteId: number | undefined;

await step("register (201 UserDetail)", async () => {
  const res = await anonymous.POST("/api/register/", { body: account });
  const user: Schemas["UserDetail"] = bodyOf("/api/register/", "post", 201, res);
  assert.equal(user.username, account.username);
  assert.equal(user.email, account.email);
  assert.deepEqual(user.favorite_movies, []);
});

await step("register again: duplicate username and email (400 FieldErrors)", async () => {
  const res = await anonymous.POST("/api/register/", { body: account });
  const err = fieldErrors(bodyOf("/api/register/", "post", 400, res));
  nonEmptyStrings(err.username, "username");
  nonEmptyStrings(err.email, "email");
});

await step("log in (200 TokenPairResponse)", async () => {
  const res = await anonymous.POST("/api/token/", {
    body: { username: account.username, password: account.password },
  });
  const tokens: Schemas["TokenPairResponse"] = bodyOf("/api/token/", "post", 200, res);
  assert.equal(tokens.user.username, account.username);
  access = tokens.access;
  refresh = tokens.refresh;
});

await step("log in with a wrong password (400 ErrorDetailOrFieldErrors: the detail)", async () => {
  const res = await anonymous.POST("/api/token/", {
    body: { username: account.username, password: "not-the-password" },
  });
  const err: Schemas["ErrorDetailOrFieldErrors"] = bodyOf("/api/token/", "post", 400, res);
  assert.ok(isErrorDetail(err), "a wrong password is a detail, not field errors");
  assert.equal(err.detail, "No active account found with the given credentials");
});

await step("log in without a password (400 ErrorDetailOrFieldErrors: field errors)", async () => {
  const res = await anonymous.POST("/api/token/", {
    body: { username: account.username } as { username: string; password: string },
  });
  const err: Schemas["ErrorDetailOrFieldErrors"] = bodyOf("/api/token/", "post", 400, res);
  assert.ok(!isErrorDetail(err), "a missing field is a field error");
  nonEmptyStrings(err.password, "password");
});

await step("me without a token (401 ErrorDetail)", async () => {
  const res = await anonymous.GET("/api/me/");
  const err: Schemas["ErrorDetail"] = bodyOf("/api/me/", "get", 401, res);
  assert.ok(err.detail.length > 0);
});

await step("list movies, then search and order them (200 PaginatedMovieListList)", async () => {
  const all = await anonymous.GET("/api/movies/");
  const page: Schemas["PaginatedMovieListList"] = bodyOf("/api/movies/", "get", 200, all);
  assert.ok(page.count > 1000, `the demo catalog has thousands of movies, got ${page.count}`);
  assert.equal(page.results.length, 20);
  const found = await anonymous.GET("/api/movies/", {
    params: { query: { search: "toy story", ordering: "title", page_size: 5 } },
  });
  const toys: Schemas["PaginatedMovieListList"] = bodyOf("/api/movies/", "get", 200, found);
  const first = toys.results[0];
  assert.equal(first?.title, "Toy Story", JSON.stringify(toys.results));
  movieId = first.id;
});

await step("movie detail (200 MovieDetail)", async () => {
  const id = need(movieId, "list movies");
  const res = await anonymous.GET("/api/movies/{id}/", { params: { path: { id } } });
  const movie: Schemas["MovieDetail"] = bodyOf("/api/movies/{id}/", "get", 200, res);
  assert.equal(movie.id, id);
  assert.equal(movie.tmdb_id, 862);
  assert.ok(movie.genres.some((genre) => genre.name === "Animation"), JSON.stringify(movie.genres));
});

await step("a movie that does not exist (404 ErrorDetail)", async () => {
  const res = await anonymous.GET("/api/movies/{id}/", { params: { path: { id: 999999 } } });
  const err: Schemas["ErrorDetail"] = bodyOf("/api/movies/{id}/", "get", 404, res);
  assert.ok(err.detail.length > 0);
});

await step("add a favorite (201 FavoriteMovie), listed at once", async () => {
  const movie_id = need(movieId, "list movies");
  need(access, "log in");
  const res = await authed.POST("/api/favorite-movies/", { body: { movie_id } });
  const favorite: Schemas["FavoriteMovie"] = bodyOf("/api/favorite-movies/", "post", 201, res);
  assert.equal(favorite.movie.id, movie_id);
  favoriteId = favorite.id;
  const list = await authed.GET("/api/favorite-movies/");
  const page: Schemas["PaginatedFavoriteMovieList"] = bodyOf("/api/favorite-movies/", "get", 200, list);
  assert.deepEqual(page.results.map((f) => f.id), [favorite.id]);
});

await step("add the same favorite again (400 FieldErrors non_field_errors)", async () => {
  const movie_id = need(movieId, "list movies");
  need(favoriteId, "add a favorite");
  const res = await authed.POST("/api/favorite-movies/", { body: { movie_id } });
  const err = fieldErrors(bodyOf("/api/favorite-movies/", "post", 400, res));
  assert.deepEqual(err.non_field_errors, ["This movie is already in your favorites."]);
});

await step("add a movie that does not exist (400 FieldErrors movie_id)", async () => {
  need(access, "log in");
  const res = await authed.POST("/api/favorite-movies/", { body: { movie_id: 999999 } });
  const err = fieldErrors(bodyOf("/api/favorite-movies/", "post", 400, res));
  assert.deepEqual(err.movie_id, ['Invalid pk "999999" - object does not exist.']);
});

await step("remove the favorite (204), gone from the list", async () => {
  const id = need(favoriteId, "add a favorite");
  const res = await authed.DELETE("/api/favorite-movies/{id}/", { params: { path: { id } } });
  assert.equal(res.response.status, 204);
  const list = await authed.GET("/api/favorite-movies/");
  const page: Schemas["PaginatedFavoriteMovieList"] = bodyOf("/api/favorite-movies/", "get", 200, list);
  assert.equal(page.count, 0);
});

await step("watch history: add a play (201 Play), a future day (400), list, Letterboxd CSV, remove", async () => {
  const movie_id = need(movieId, "list movies");
  need(access, "log in");
  const res = await authed.POST("/api/history/", {
    body: { movie_id, watched_on: "2024-05-01", rewatch: true, note: "Again." },
  });
  const play: Schemas["Play"] = bodyOf("/api/history/", "post", 201, res);
  assert.deepEqual([play.movie.id, play.watched_on, play.rewatch, play.source], [movie_id, "2024-05-01", true, null]);
  const future = await authed.POST("/api/history/", { body: { movie_id, watched_on: "2999-01-01" } });
  const err = fieldErrors(bodyOf("/api/history/", "post", 400, future));
  nonEmptyStrings(err.watched_on, "watched_on");
  const list = await authed.GET("/api/history/");
  const page: Schemas["PaginatedPlayList"] = bodyOf("/api/history/", "get", 200, list);
  assert.deepEqual(page.results.map((p) => p.id), [play.id]);
  const exported = await authed.GET("/api/me/export/letterboxd.csv", { parseAs: "text" });
  assert.equal(exported.response.status, 200);
  assert.match(exported.response.headers.get("content-type") ?? "", /^text\/csv/);
  const csv = String(exported.data);
  assert.equal(csv.split("\r\n")[0], "tmdbID,Title,Year,WatchedDate,Rating10,Rewatch");
  assert.match(csv, /,2024-05-01,,true\r\n/);
  const removed = await authed.DELETE("/api/history/{id}/", { params: { path: { id: play.id } } });
  assert.equal(removed.response.status, 204);
});

await step("import a file: upload (202 Import), poll it until done; an unknown file (400 FieldErrors)", async () => {
  need(access, "log in");
  const upload = (name: string, text: string) =>
    authed.POST("/api/imports/", {
      // The multipart body: the schema's file field is binary, sent as a Blob in a FormData.
      body: {} as Schemas["ImportUploadRequest"],
      bodySerializer: () => {
        const form = new FormData();
        form.append("file", new Blob([text], { type: "text/csv" }), name);
        return form;
      },
    });
  const csv =
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year\n" +
    "tt0114709,9,2024-05-01,Toy Story,,Movie,8.3,81,1995\n";
  const queued: Schemas["Import"] = bodyOf("/api/imports/", "post", 202, await upload("ratings.csv", csv));
  assert.equal(queued.source, "imdb");
  let current = queued;
  for (const deadline = Date.now() + 30_000; current.status === "queued" || current.status === "running"; ) {
    assert.ok(Date.now() < deadline, `the import is still ${current.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await authed.GET("/api/imports/{id}/", { params: { path: { id: queued.id } } });
    current = bodyOf("/api/imports/{id}/", "get", 200, res);
  }
  assert.equal(current.status, "done", JSON.stringify(current));
  assert.deepEqual([current.counts.read, current.counts.imported, current.error], [1, 1, null]);
  const list = await authed.GET("/api/imports/");
  const page: Schemas["PaginatedImportList"] = bodyOf("/api/imports/", "get", 200, list);
  assert.equal(page.results[0]?.id, queued.id);
  const err = fieldErrors(bodyOf("/api/imports/", "post", 400, await upload("x.csv", "a,b\n1,2\n")));
  nonEmptyStrings(err.file, "file");
});

await step("refresh twice with the same refresh token (200 {access} each time)", async () => {
  const token = need(refresh, "log in");
  for (const attempt of [1, 2]) {
    const res = await anonymous.POST("/api/token/refresh/", { body: { refresh: token } });
    const fresh: Schemas["TokenRefreshResponse"] = bodyOf("/api/token/refresh/", "post", 200, res);
    assert.deepEqual(Object.keys(fresh), ["access"], `refresh #${attempt} answers only the access token`);
    access = fresh.access;
    const me = await authed.GET("/api/me/");
    const user: Schemas["UserDetail"] = bodyOf("/api/me/", "get", 200, me);
    assert.equal(user.username, account.username, `the access token of refresh #${attempt} works`);
  }
});

await step("recommendations (200 PaginatedRecommendationList)", async () => {
  need(access, "log in");
  const res = await authed.GET("/api/recommendations/");
  const page: Schemas["PaginatedRecommendationList"] = bodyOf("/api/recommendations/", "get", 200, res);
  assert.ok(page.results.length > 0, "a user with no favorites still gets popular movies");
  for (const pick of page.results) assert.ok(pick.reason.length > 0);
});

await step("log out (204), then the refresh token is refused (401 ErrorDetail)", async () => {
  const token = need(refresh, "log in");
  const res = await anonymous.POST("/api/logout/", { body: { refresh: token } });
  assert.equal(res.response.status, 204, JSON.stringify(res.error ?? null));
  const again = await anonymous.POST("/api/token/refresh/", { body: { refresh: token } });
  const err: Schemas["ErrorDetail"] = bodyOf("/api/token/refresh/", "post", 401, again);
  assert.ok(err.detail.length > 0);
});

await step("the README example: log in, list movies, add a favorite", async () => {
  const favorite = await favoriteFirstMatch(baseUrl, account.username, account.password, "toy story");
  assert.equal(favorite?.movie.title, "Toy Story");
});

const failed = outcomes.filter((outcome) => outcome.error !== undefined);
console.log(
  `\n${outcomes.length - failed.length}/${outcomes.length} steps passed against ${baseUrl}; ` +
    `${contract.seen.size} operation/status pairs checked against the schema`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
