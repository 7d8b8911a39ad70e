import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ErrorAlertSettingsDtoSchema,
  type ErrorAlertSettingsBody,
  type ErrorAlertSettingsDto,
} from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

export const getAlertSettings = (): Promise<ErrorAlertSettingsDto> =>
  apiRequestParsed(ErrorAlertSettingsDtoSchema, 'GET', '/api/errors/alert-settings');

export const alertSettingsQueryOptions = () =>
  queryOptions({ queryKey: ['error-alert-settings'], queryFn: getAlertSettings, staleTime: 30_000 });

export function useAlertSettings(enabled: boolean) {
  return useQuery({ ...alertSettingsQueryOptions(), enabled });
}

export const putAlertSettings = (body: ErrorAlertSettingsBody): Promise<ErrorAlertSettingsDto> =>
  apiRequestParsed(ErrorAlertSettingsDtoSchema, 'PUT', '/api/errors/alert-settings', body);

export function usePutAlertSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putAlertSettings,
    onSuccess: (saved) => queryClient.setQueryData(alertSettingsQueryOptions().queryKey, saved),
  });
}
