import { FormatRegistry, Type } from '@sinclair/typebox';

/** At most this many distinct emoji on one message. */
export const MAX_REACTION_EMOJI = 20;
const MAX_SHORT_CODE = 32;

const SHORT_CODE = /^:[a-z0-9_+-]{1,30}:$/;
// One grapheme built only of what emoji are made of: pictographs, skin tones, joiners, variation
// selectors, keycaps, flags' regional indicators and tag sequences.
const EMOJI_PART =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200D|\uFE0F|\u20E3|[#*0-9]|[\u{E0020}-\u{E007F}])+$/u;
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Regional_Indicator}]|\u20E3/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A reaction is one Unicode emoji sequence (one grapheme: 👍, 👍🏽, 👩‍💻, 🇫🇮, 1️⃣) or a
 * `:short_code:` of at most 32 characters. Letters, words and several emoji are refused.
 */
export function isReactionEmoji(value: string): boolean {
  if (value.length === 0 || value.length > MAX_SHORT_CODE) return false;
  if (value.startsWith(':')) return SHORT_CODE.test(value);
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > 1) return false;
  return EMOJI_PART.test(value) && PICTOGRAPH.test(value);
}

FormatRegistry.Set('reaction-emoji', isReactionEmoji);

export const ReactionEmojiSchema = Type.String({ format: 'reaction-emoji', minLength: 1, maxLength: MAX_SHORT_CODE });
