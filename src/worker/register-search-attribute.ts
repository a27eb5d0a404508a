/** Registers the HarnessStatus search attribute on servers that lack it (dev servers get it at start). */
import { temporal } from '@temporalio/proto';
import { STATUS_SEARCH_ATTRIBUTE } from '../shared/constants';
import { connectClientConnection, TemporalTarget } from '../temporal-connection';

export async function registerSearchAttribute(env: TemporalTarget & { TEMPORAL_NAMESPACE: string }): Promise<void> {
  const connection = await connectClientConnection(env);
  try {
    const namespace = env.TEMPORAL_NAMESPACE;
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    if (customAttributes && STATUS_SEARCH_ATTRIBUTE in customAttributes) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { [STATUS_SEARCH_ATTRIBUTE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
  } finally {
    await connection.close();
  }
}
