import { invalid } from '../errors/index.ts';
import { BUILT_IN_CHANNELS, type Rules } from '../rules/index.ts';

/**
 * A case's channel and request type must be codes of its region's lists (rules `channels`,
 * `requestTypes`, server/rules); the citizens' page and Open311 send their own channels, which
 * every region accepts. The 422 names the allowed codes, with their names, for the form to show.
 */
export function checkVocabulary(rules: Pick<Rules, 'channels' | 'requestTypes'>, region: string, input: { channel: string; requestType?: string }): void {
  const channels = [...rules.channels.map((c) => c.code), ...BUILT_IN_CHANNELS.filter((c) => !rules.channels.some((x) => x.code === c))];
  if (!channels.includes(input.channel)) {
    throw invalid('channel_unknown', `Region ${region} takes requests in by ${rules.channels.map((c) => `${c.code} ${c.name}`).join(', ')} (and ${BUILT_IN_CHANNELS.join(', ')}); not by ${input.channel}.`, {
      fields: [{ field: 'channel', rule: 'channel', message: `one of ${channels.join(', ')}` }],
      allowed: channels,
    });
  }
  const types = rules.requestTypes;
  if (input.requestType !== undefined && !types.some((x) => x.code === input.requestType)) {
    throw invalid('request_type_unknown', `Region ${region} has the request types ${types.map((x) => `${x.code} ${x.name}`).join(', ')}; not ${input.requestType}.`, {
      fields: [{ field: 'requestType', rule: 'request_type', message: `one of ${types.map((x) => x.code).join(', ')}` }],
      allowed: types.map((x) => x.code),
    });
  }
}

/**
 * The region's names for a case's urgency, channel and request type, for the case page; null
 * where the code is no longer listed (a retired channel: the page falls back to its own label).
 */
export function caseTermNames(
  rules: Pick<Rules, 'channels' | 'requestTypes' | 'urgencyNames'>,
  c: { urgency: unknown; channel: unknown; variables?: unknown },
): { urgency: string | null; channel: string | null; requestType: string | null } {
  const requestType = (c.variables as { requestType?: unknown } | null | undefined)?.requestType;
  return {
    urgency: (rules.urgencyNames as Record<string, string>)[String(c.urgency)] ?? null,
    channel: rules.channels.find((x) => x.code === c.channel)?.name ?? null,
    requestType: typeof requestType === 'string' ? (rules.requestTypes.find((x) => x.code === requestType)?.name ?? null) : null,
  };
}
