// The `sentiment` package ships no types; this covers the part the local AI provider uses.
declare module 'sentiment' {
  interface SentimentAnalysis {
    /** Sum of the AFINN-165 valences of the words found (each from -5 to 5). */
    score: number;
    /** `score` divided by the number of tokens. */
    comparative: number;
    calculation: Array<Record<string, number>>;
    tokens: string[];
    words: string[];
    positive: string[];
    negative: string[];
  }

  interface SentimentOptions {
    /** Extra words and their valences, added to (or overriding) AFINN-165. */
    extras?: Record<string, number>;
    language?: string;
  }

  class Sentiment {
    analyze(phrase: string, options?: SentimentOptions): SentimentAnalysis;
  }

  export = Sentiment;
}
