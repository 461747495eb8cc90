// Where an account of the directory is shown: own accounts on their person page, imported ones on theirs.
export const refHref = (ref: string | number) => {
  const text = String(ref);
  if (text.startsWith('seatkeeper:')) return `/portal/users/${text.slice('seatkeeper:'.length)}`;
  if (text.startsWith('import:')) return `/portal/directory/${text.slice('import:'.length)}`;
  return '#';
};
