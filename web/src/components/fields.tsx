import type { ReactNode } from 'react';
import {
  Checkbox, CheckboxGroup, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Radio, RadioGroup, Select, SelectValue,
  Button as AriaButton, Text, TextArea, TextField,
} from 'react-aria-components';

// Form fields built on React Aria: each has a visible label, its hint and its error tied to the input
// (aria-describedby), and aria-invalid when the API named it in a problem's errors (via <Form validationErrors>).

interface Common {
  name: string;
  label: string;
  description?: ReactNode;
  isRequired?: boolean;
  isDisabled?: boolean;
}

/** A one-line text input. */
export function TextInput(props: Common & { value: string; onChange: (v: string) => void; type?: string; autoComplete?: string; inputMode?: 'numeric' | 'text' | 'email' | 'tel'; autoFocus?: boolean }) {
  return (
    <TextField name={props.name} value={props.value} onChange={props.onChange} type={props.type} autoComplete={props.autoComplete} inputMode={props.inputMode} isRequired={props.isRequired} isDisabled={props.isDisabled} autoFocus={props.autoFocus} className="field">
      <Label>{props.label}{props.isRequired ? null : <span className="optional"> (optional)</span>}</Label>
      {props.description ? <Text slot="description" className="hint">{props.description}</Text> : null}
      <Input />
      <FieldError className="field-error" />
    </TextField>
  );
}

/** A multi-line text input. */
export function TextBox(props: Common & { value: string; onChange: (v: string) => void; rows?: number }) {
  return (
    <TextField name={props.name} value={props.value} onChange={props.onChange} isRequired={props.isRequired} isDisabled={props.isDisabled} className="field">
      <Label>{props.label}{props.isRequired ? null : <span className="optional"> (optional)</span>}</Label>
      {props.description ? <Text slot="description" className="hint">{props.description}</Text> : null}
      <TextArea rows={props.rows ?? 5} />
      <FieldError className="field-error" />
    </TextField>
  );
}

/** A choice of one from a short list (a listbox popover). */
export function Choice<K extends string>(props: Common & { value: K | null; onChange: (v: K) => void; options: ReadonlyArray<{ id: K; label: string }> }) {
  return (
    <Select name={props.name} selectedKey={props.value} onSelectionChange={(k) => props.onChange(k as K)} isRequired={props.isRequired} isDisabled={props.isDisabled} className="field">
      <Label>{props.label}</Label>
      {props.description ? <Text slot="description" className="hint">{props.description}</Text> : null}
      <AriaButton className="select-button" data-name={props.name}>
        <SelectValue />
        <span aria-hidden="true" className="chevron">▾</span>
      </AriaButton>
      <FieldError className="field-error" />
      <Popover className="popover">
        <ListBox className="listbox">
          {props.options.map((o) => (
            <ListBoxItem key={o.id} id={o.id} className="listbox-item">{o.label}</ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** A choice of one shown as radio buttons (for two to five options worth seeing at once). */
export function Radios<K extends string>(props: Common & { value: K | null; onChange: (v: K) => void; options: ReadonlyArray<{ id: K; label: string; description?: string }> }) {
  return (
    <RadioGroup name={props.name} value={props.value} onChange={(v) => props.onChange(v as K)} isRequired={props.isRequired} className="field radios">
      <Label>{props.label}</Label>
      {props.description ? <Text slot="description" className="hint">{props.description}</Text> : null}
      {props.options.map((o) => (
        <Radio key={o.id} value={o.id} className="radio">
          <span className="radio-mark" aria-hidden="true" />
          <span>{o.label}{o.description ? <span className="hint block">{o.description}</span> : null}</span>
        </Radio>
      ))}
      <FieldError className="field-error" />
    </RadioGroup>
  );
}

/** Several choices from a list (roles, classifications). */
export function Checkboxes<K extends string>(props: Common & { value: K[]; onChange: (v: K[]) => void; options: ReadonlyArray<{ id: K; label: string; description?: string }> }) {
  return (
    <CheckboxGroup name={props.name} value={props.value} onChange={(v) => props.onChange(v as K[])} isRequired={props.isRequired} className="field checkboxes">
      <Label>{props.label}</Label>
      {props.description ? <Text slot="description" className="hint">{props.description}</Text> : null}
      {props.options.map((o) => (
        <Checkbox key={o.id} value={o.id} className="checkbox">
          <span className="checkbox-mark" aria-hidden="true" />
          <span>{o.label}{o.description ? <span className="hint block">{o.description}</span> : null}</span>
        </Checkbox>
      ))}
      <FieldError className="field-error" />
    </CheckboxGroup>
  );
}
