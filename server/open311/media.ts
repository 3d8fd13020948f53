/**
 * A request's `media_url` lives in the case description as a last line of its
 * own: staff see the link where they read the request, and GETs give it back
 * as `media_url` without it showing twice. We never fetch it: the server makes
 * no outbound requests, and a URL from the internet is the citizen's to share.
 */
const MARKER = '[media_url] ';
const TRAILER = /\n*\[media_url\] (https?:\/\/\S+)\s*$/;

export function withMediaUrl(description: string, mediaUrl: string | undefined): string {
  if (!mediaUrl) return description;
  return description ? `${description}\n\n${MARKER}${mediaUrl}` : `${MARKER}${mediaUrl}`;
}

/** Splits a stored description back into the citizen's text and the link. */
export function splitMediaUrl(description: string | null): { description: string | null; mediaUrl: string | null } {
  if (!description) return { description: description ?? null, mediaUrl: null };
  const m = TRAILER.exec(description);
  if (!m) return { description, mediaUrl: null };
  return { description: description.slice(0, m.index) || null, mediaUrl: m[1] };
}
