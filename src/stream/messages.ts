// Delivers a tagged message to an operator's lifecycle method: the one place that maps the
// message union onto operator calls, used by the engine and the test harness alike.
import { assertNever } from '../core/index.js';
import type { BatchColumns, Operator, OperatorContext, StreamMessage } from './types.js';

export function deliver<B extends BatchColumns>(operator: Operator<B>, message: StreamMessage<B>, context: OperatorContext): void {
  switch (message.kind) {
    case 'data':
      operator.processBatch(message.batch, context);
      return;
    case 'watermark':
      operator.onWatermark?.(message.watermarkMs, context);
      return;
    case 'barrier':
      operator.onCheckpoint?.(message.checkpointId, context);
      return;
    case 'end':
      operator.onClose?.(context);
      return;
    default:
      assertNever(message, 'stream message');
  }
}
