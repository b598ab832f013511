// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines (CORD-19 abstracts do).

/** Records of a CSV text, each with the 1-based line where it starts; an unterminated quote is reported. */
export function* parseCsv(text: string): Generator<{ fields: string[]; line: number; error?: string }> {
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let error: string | undefined;
    for (;;) {
      if (i >= text.length) {
        if (quoted) error = 'unterminated quoted field';
        fields.push(field);
        break;
      }
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
      } else if (ch === '"' && field.length === 0) {
        quoted = true;
        i++;
      } else if (ch === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (ch === '\n' || ch === '\r') {
        fields.push(field);
        i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      } else {
        field += ch;
        i++;
      }
    }
    if (fields.length === 1 && fields[0] === '' && !error) continue; // blank line
    yield error ? { fields, line: startLine, error } : { fields, line: startLine };
  }
}
