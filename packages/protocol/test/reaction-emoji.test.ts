import { compile, isReactionEmoji, ReactionSchema } from '../src';

test.each(['👍', '👍🏽', '👩‍💻', '🇫🇮', '1️⃣', '❤️', '🏳️‍🌈', ':thumbsup:', ':+1:', ':code_19:'])('%s is a reaction', (emoji) => {
  expect(isReactionEmoji(emoji)).toBe(true);
});

test.each(['', 'a', 'lol', '👍👍', '👍 ', ' 👍', '1', '#', ':', '::', ':Caps:', ':has space:', `:${'x'.repeat(31)}:`, '<b>', '👍a'])(
  '%j is not a reaction',
  (emoji) => {
    expect(isReactionEmoji(emoji)).toBe(false);
  },
);

test('the reaction schema refuses what is not one emoji', () => {
  const reaction = compile(ReactionSchema);
  expect(reaction.check({ roomId: 'r', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', emoji: '🎉' })).toBe(true);
  expect(() => reaction.parse({ roomId: 'r', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', emoji: 'party' })).toThrow(/emoji/);
});
