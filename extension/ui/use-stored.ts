// A storage item as Preact state: read once, then kept current by the item's change events.
import { useEffect, useState } from 'preact/hooks';
import type { WxtStorageItem } from 'wxt/utils/storage';

export function useStored<T>(item: WxtStorageItem<T, Record<string, never>>): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    void item.getValue().then((stored) => {
      if (live) setValue(stored);
    });
    const unwatch = item.watch((changed) => setValue(changed));
    return () => {
      live = false;
      unwatch();
    };
  }, [item]);
  return value;
}
