// The README's front-end example, type-checked and run by the client test (src/flow.ts).
// `if (result.error) throw ...` narrows `result.data` to the success body only when the operation
// declares a body for its error statuses: with none, openapi-fetch types `error` as never and
// `data` stays possibly undefined, so this file also checks that the errors are typed.
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";

type FavoriteMovie = components["schemas"]["FavoriteMovie"];

export async function favoriteFirstMatch(
  baseUrl: string, username: string, password: string, search: string,
): Promise<FavoriteMovie | undefined> {
  const api = createClient<paths>({ baseUrl });

  // Log in, then send the access token on every request.
  const login = await api.POST("/api/token/", { body: { username, password } });
  if (login.error) throw new Error(`login failed: ${login.error.detail}`);
  const { access } = login.data;
  api.use({
    onRequest: ({ request }) => {
      request.headers.set("Authorization", `Bearer ${access}`);
      return request;
    },
  });

  // List movies: the query parameters are typed from the schema (ordering is an enum).
  const movies = await api.GET("/api/movies/", {
    params: { query: { search, ordering: "title", page_size: 5 } },
  });
  if (movies.error) throw new Error(`movies: ${movies.response.status}`);
  const movie = movies.data.results[0];
  if (movie === undefined) return undefined;

  // Add a favorite; a 400 carries field errors, e.g. {"non_field_errors": ["This movie is
  // already in your favorites."]}.
  const added = await api.POST("/api/favorite-movies/", { body: { movie_id: movie.id } });
  if (added.error) throw new Error(`favorite: ${JSON.stringify(added.error)}`);
  return added.data;
}
