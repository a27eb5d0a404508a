/** The typed search-attribute key both the workflow (upsert) and the client (list queries) use. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { STATUS_SEARCH_ATTRIBUTE } from './constants';

export const HARNESS_STATUS = defineSearchAttributeKey(STATUS_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD);
