import type { AiModelDto } from '@auterity/workflow-contracts';
import { formatUsd } from '../../../utils/format-money';

/** The router's policies, offered before any specific model. */
export const AUTO_SELECTORS = [
  { value: 'auto', label: 'Auto (cheapest that fits)' },
  { value: 'auto:cheapest', label: 'Auto: cheapest' },
  { value: 'auto:fastest', label: 'Auto: fastest' },
  { value: 'auto:best', label: 'Auto: best quality' },
] as const;

export function isAutoSelector(value: string): boolean {
  return value === 'auto' || value.startsWith('auto:');
}

export interface ModelGroup {
  provider: string;
  providerName: string;
  models: AiModelDto[];
}

/**
 * Active catalog models grouped by provider: providers the organization can use first, then by
 * name; inside a group, available models first, then by name.
 */
export function groupModelsByProvider(models: readonly AiModelDto[]): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const model of models) {
    if (!model.active) continue;
    const group = groups.get(model.provider) ?? { provider: model.provider, providerName: model.providerName, models: [] };
    group.models.push(model);
    groups.set(model.provider, group);
  }
  const byAvailabilityThenName = (a: AiModelDto, b: AiModelDto) =>
    Number(b.available) - Number(a.available) || a.name.localeCompare(b.name);
  const hasAvailable = (g: ModelGroup) => g.models.some((m) => m.available);
  return [...groups.values()]
    .map((g) => ({ ...g, models: [...g.models].sort(byAvailabilityThenName) }))
    .sort((a, b) => Number(hasAvailable(b)) - Number(hasAvailable(a)) || a.providerName.localeCompare(b.providerName));
}

/** The option text of a model: its name and output price, or why it cannot be picked. */
export function modelOptionLabel(model: AiModelDto): string {
  const price = `${formatUsd(model.inputPricePerMTok)} / ${formatUsd(model.outputPricePerMTok)} per 1M`;
  return model.available ? `${model.name} · ${price}` : `${model.name} · unavailable (add a ${model.providerName} key)`;
}
