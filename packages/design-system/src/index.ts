export { Alert, type AlertProps } from './alert/alert';
export { Badge, type BadgeProps } from './badge/badge';
export { Button, type ButtonProps } from './button/button';
export { Card, type CardProps } from './card/card';
export { Checkbox, type CheckboxProps } from './checkbox/checkbox';
export { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog/confirm-dialog';
export { CheckboxGroup, type CheckboxGroupProps } from './checkbox-group/checkbox-group';
export { EmptyState, type EmptyStateProps } from './empty-state/empty-state';
export {
  focusOnOpen,
  handleModalKeyDown,
  Modal,
  modalKeyAction,
  type ModalKeyAction,
  type ModalKeyboardEvent,
  type ModalProps,
  strayModalKeyAction,
} from './modal/modal';
export { Select, type SelectOption, type SelectProps } from './select/select';
export { Spinner, type SpinnerProps } from './spinner/spinner';
export { Table, type TableColumn, type TableProps } from './table/table';
export { TextField, type TextFieldProps } from './text-field/text-field';
