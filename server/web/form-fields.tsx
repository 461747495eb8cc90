// Form controls beside `Field` (layout.tsx): a text area, a choice list and a checkbox, each labelled, keeping the
// value typed and tying its error message to the control (aria-invalid, aria-describedby) for screen readers.
import type { ComponentChildren } from 'preact';

const describedBy = (name: string, hint?: string, error?: string) =>
  [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

function Messages({ name, hint, error }: { name: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${name}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

interface ControlProps {
  name: string;
  label: ComponentChildren;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
}

export function TextAreaField({
  name,
  label,
  value,
  error,
  hint,
  required,
  rows = 3,
}: ControlProps & { rows?: number }) {
  return (
    <div>
      <label for={name}>{label}</label>
      <textarea
        id={name}
        name={name}
        rows={rows}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
      >
        {value ?? ''}
      </textarea>
      <Messages name={name} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({
  name,
  label,
  value,
  error,
  hint,
  options,
}: ControlProps & { options: readonly { value: string; label: string }[] }) {
  return (
    <div>
      <label for={name}>{label}</label>
      <select
        id={name}
        name={name}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages name={name} hint={hint} error={error} />
    </div>
  );
}

/** A checkbox with its label beside it (`value` "on" when checked, as browsers send it). */
export function CheckboxField({ name, label, value, error, hint }: ControlProps) {
  return (
    <div class="check">
      <input
        type="checkbox"
        id={name}
        name={name}
        checked={value === 'on'}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(name, hint, error)}
      />
      <label for={name}>{label}</label>
      <Messages name={name} hint={hint} error={error} />
    </div>
  );
}
