import { useCallback, useEffect, useState } from 'react';
import type { ErrorData } from '../shared/errors';
import type { ApiInput, ApiMethod, ApiOutput } from '../shared/api';
import { callApi } from './api/client';

export interface ApiLoad<T> {
  value: T | undefined;
  error: ErrorData | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the value, e.g. from a live event, without a new call. */
  setValue: (value: T) => void;
}

/** Loads one call when a page opens; the page renders loading, error and value states from it. */
export function useApi<M extends ApiMethod>(method: M, input: ApiInput<M>, enabled = true): ApiLoad<ApiOutput<M>> {
  const [value, setValue] = useState<ApiOutput<M> | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(input);
  useEffect(() => {
    let current = true;
    if (!enabled) {
      setLoading(false);
      return;
    }
    setLoading(true);
    void callApi(method, JSON.parse(key) as ApiInput<M>).then((result) => {
      if (!current) return;
      setLoading(false);
      if (result.ok) {
        setValue(result.value);
        setError(undefined);
      } else setError(result.error);
    });
    return () => {
      current = false;
    };
  }, [method, key, generation, enabled]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { value, error, loading, reload, setValue };
}
