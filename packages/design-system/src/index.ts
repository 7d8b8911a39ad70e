export { Alert, type AlertProps } from './alert/alert';
export { Button, type ButtonProps } from './button/button';
export { Card, type CardProps } from './card/card';
export { TextField, type TextFieldProps } from './text-field/text-field';
