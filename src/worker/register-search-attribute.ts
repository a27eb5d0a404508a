/** Registers the HarnessStatus search attribute on servers that lack it (dev servers get it at start). */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { STATUS_SEARCH_ATTRIBUTE } from '../shared/constants';

export async function ensureStatusSearchAttribute(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  if (customAttributes && STATUS_SEARCH_ATTRIBUTE in customAttributes) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: { [STATUS_SEARCH_ATTRIBUTE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
}
