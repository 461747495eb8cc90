// A labelled text input, as every form of the extension's pages has them: the label names the field for screen
// readers, the value is the component's state.

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'search' | 'password';
  inputMode?: 'url';
  placeholder?: string;
  autocomplete?: 'off';
  required?: boolean;
}

export function TextField({ id, label, value, onValue, type = 'text', ...input }: TextFieldProps) {
  return (
    <>
      <label for={id}>{label}</label>
      {/* Preact types each input type's attributes apart; these three take the same ones. */}
      <input
        id={id}
        type={type as 'text'}
        {...input}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
    </>
  );
}
