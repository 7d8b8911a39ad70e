import { lazy } from '../../lib/lazy-require';

// Modules only AI calls need, loaded on first use: the provider SDKs (providers.ts), the tokenizer
// and the NLP library are the heaviest things the API would otherwise load at start (together about
// 100 MB of memory and a second of start-up), and an organization uses a few providers at most.

/** gpt-tokenizer (byte-pair encoding), for token counts the provider did not report. */
export const gptTokenizer = lazy<typeof import('gpt-tokenizer')>('gpt-tokenizer');

/** compromise (English NLP), for the local provider's summaries and entities. */
export const compromise = lazy<typeof import('compromise')>('compromise');
