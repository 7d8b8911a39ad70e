/** What Explain knows about a group: its type, title, location and a few scrubbed samples. */
export interface ExplainInput {
  errorType: string;
  title: string;
  location: string;
  samples: { message: string; context: Record<string, unknown> }[];
}

export interface RuleHint {
  diagnosis: string;
  fixes: string[];
}

interface Rule {
  /** Matched against type, title, location and sample messages and status codes. */
  test: (text: string, statuses: ReadonlySet<number>) => boolean;
  hint: RuleHint;
}

const RULES: readonly Rule[] = [
  {
    test: (t, s) =>
      s.has(401) || s.has(403) || /\b(401|403)\b|unauthori[sz]ed|invalid api key|incorrect api key|forbidden/i.test(t),
    hint: {
      diagnosis: 'The provider or service refused the credentials: the API key is missing, wrong, revoked or lacks access.',
      fixes: [
        'Open Credentials and replace the key of this provider with a valid one (check for extra spaces).',
        'Make sure the key belongs to an account with access to the model or endpoint used.',
        'If the node names a credential, check that it is the intended one.',
      ],
    },
  },
  {
    test: (t, s) => s.has(429) || /\b429\b|rate.?limit|too many requests|quota/i.test(t),
    hint: {
      diagnosis: 'The upstream service is rate limiting these calls (429 Too Many Requests).',
      fixes: [
        'Add fallback models to the AI node so another provider answers while this one is limited.',
        'Give the node retries with backoff, or lower the workflow’s concurrency.',
        'Raise the rate limit or quota with the provider.',
      ],
    },
  },
  {
    test: (t) => /budget/i.test(t),
    hint: {
      diagnosis: 'An AI budget (organization, workflow or API key) is exhausted for this month, so calls are refused.',
      fixes: [
        'Raise the monthly budget under AI → Usage, or wait for the next month.',
        'Switch the node to a cheaper model, or use auto:cheapest.',
      ],
    },
  },
  {
    test: (t) => /ssrf|internal address|not allowed to reach|blocked destination|ssrf_blocked/i.test(t),
    hint: {
      diagnosis: 'The call was refused because its URL resolves to a private, loopback or otherwise internal address.',
      fixes: [
        'Use the service’s public URL.',
        'If the internal service is intended, ask an operator to allow it with OUTBOUND_ALLOW_HOSTS or OUTBOUND_ALLOW_CIDRS.',
      ],
    },
  },
  {
    test: (t) => /timed? ?out|timeout|deadline|ETIMEDOUT/i.test(t),
    hint: {
      diagnosis: 'The call or the run took longer than its time limit.',
      fixes: [
        'Raise the node’s timeout if the service is just slow.',
        'Add retries, or a fallback model for AI nodes.',
        'Check the service’s status; split long work into smaller steps.',
      ],
    },
  },
  {
    test: (t) => /expression|jsonata|template|undefined variable|cannot read propert/i.test(t),
    hint: {
      diagnosis: 'An expression or template in the node’s configuration is invalid or reads a field that is not there.',
      fixes: [
        'Open the node and check each {{ }} expression against the input of the previous step (see the execution’s steps).',
        'Guard optional fields, e.g. {{ $.field ? $.field : "default" }}.',
      ],
    },
  },
  {
    test: (t, s) =>
      [...s].some((c) => c >= 500) || /\b50[0234]\b|bad gateway|service unavailable|ECONNREFUSED|ECONNRESET/i.test(t),
    hint: {
      diagnosis: 'The upstream service failed or could not be reached.',
      fixes: ['Retry with backoff; add a fallback.', 'Check the service’s status and the URL.'],
    },
  },
];

const GENERIC: RuleHint = {
  diagnosis: 'No known cause matched this error; look at the occurrences and the failing step’s input.',
  fixes: [
    'Open the newest failed execution and compare the failing step’s input with what the node expects.',
    'Re-run it after fixing; resolve the group so a recurrence reopens it as a regression.',
  ],
};

function statusesOf(input: ExplainInput): Set<number> {
  const out = new Set<number>();
  for (const s of input.samples) {
    const status = s.context['statusCode'];
    if (typeof status === 'number') out.add(status);
  }
  return out;
}

/** The built-in offline diagnosis: the first rule that matches, or a generic hint. */
export function explainByRules(input: ExplainInput): RuleHint {
  const text = [input.errorType, input.title, input.location, ...input.samples.map((s) => s.message)].join('\n');
  const statuses = statusesOf(input);
  return RULES.find((r) => r.test(text, statuses))?.hint ?? GENERIC;
}
