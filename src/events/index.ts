// The events layer's public names: the click event, its validation and its binary codec.
export type { ClickEvent, DeviceClass, EventSource, FieldProblem, ValidationResult } from './types.js';
export { deviceClasses, eventSources } from './types.js';
