#!/usr/bin/env python3
"""Check a Prometheus text exposition (format 0.0.4), as node_exporter's
textfile collector would read it, for tests where promtool is not
installed.  Reads stdin; prints one line per problem on stdout and exits 1
when there is any, else prints "ok N samples" and exits 0.

Checked: metric and label names ([a-zA-Z_:][a-zA-Z0-9_:]* and
[a-zA-Z_][a-zA-Z0-9_]*, no __ prefix on labels); HELP and TYPE at most
once per family and before its samples; TYPE one of the known types;
every family's samples contiguous; label values quoted with only \\\\, \\"
and \\n escapes; values that parse as floats; no sample (name and label
set) twice; the file ends with a newline.

    python3 tests/cli/promcheck.py < metrics.prom
"""
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*$')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*$')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def parse_labels(text, where, problems):
    """text starts after '{'; returns (labels dict, rest after '}')."""
    labels = {}
    i = 0
    while True:
        while i < len(text) and text[i] == ' ':
            i += 1
        if i < len(text) and text[i] == '}':
            return labels, text[i + 1:]
        m = re.match(r'([^=\s]+)\s*=\s*"', text[i:])
        if not m:
            problems.append('%s: bad label syntax near %r' % (where, text[i:i + 20]))
            return labels, None
        name = m.group(1)
        if not LABEL.match(name) or name.startswith('__'):
            problems.append('%s: bad label name %r' % (where, name))
        i += m.end()
        value = []
        while True:
            if i >= len(text):
                problems.append('%s: unterminated label value' % where)
                return labels, None
            c = text[i]
            if c == '\\':
                if i + 1 >= len(text) or text[i + 1] not in '\\"n':
                    problems.append('%s: bad escape in label %s' % (where, name))
                    return labels, None
                value.append({'\\': '\\', '"': '"', 'n': '\n'}[text[i + 1]])
                i += 2
                continue
            if c == '"':
                i += 1
                break
            if c == '\n':
                problems.append('%s: newline in label value' % where)
            value.append(c)
            i += 1
        if name in labels:
            problems.append('%s: label %s twice' % (where, name))
        labels[name] = ''.join(value)
        while i < len(text) and text[i] == ' ':
            i += 1
        if i < len(text) and text[i] == ',':
            i += 1
        elif i < len(text) and text[i] == '}':
            continue
        else:
            problems.append('%s: expected , or } after label %s' % (where, name))
            return labels, None


def family_of(name, types):
    for suffix in ('_bucket', '_sum', '_count'):
        base = name[:-len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ('histogram', 'summary'):
            return base
    return name


def main():
    data = sys.stdin.read()
    problems = []
    if data and not data.endswith('\n'):
        problems.append('the file does not end with a newline')
    helps, types, seen_samples = {}, {}, set()
    done = set()      # families whose samples are over
    current = None    # family of the previous sample
    samples = 0
    for n, line in enumerate(data.split('\n')[:-1] if data.endswith('\n') else data.split('\n'), 1):
        where = 'line %d' % n
        if line.strip() == '':
            continue
        if line.startswith('#'):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                name = parts[2]
                if not NAME.match(name):
                    problems.append('%s: bad metric name %r' % (where, name))
                if name in done or name == current:
                    problems.append('%s: %s for %s after its samples' % (where, parts[1], name))
                table = helps if parts[1] == 'HELP' else types
                if name in table:
                    problems.append('%s: second %s for %s' % (where, parts[1], name))
                value = parts[3] if len(parts) > 3 else ''
                if parts[1] == 'TYPE' and value not in TYPES:
                    problems.append('%s: unknown type %r' % (where, value))
                table[name] = value
            continue
        m = re.match(r'([^{\s]+)', line)
        name = m.group(1)
        if not NAME.match(name):
            problems.append('%s: bad metric name %r' % (where, name))
        rest = line[m.end():]
        labels = {}
        if rest.startswith('{'):
            labels, rest = parse_labels(rest[1:], where, problems)
            if rest is None:
                continue
        fields = rest.split()
        if len(fields) not in (1, 2):
            problems.append('%s: want a value (and a timestamp) after the labels' % where)
            continue
        try:
            float(fields[0])
        except ValueError:
            problems.append('%s: value %r is not a number' % (where, fields[0]))
        fam = family_of(name, types)
        if fam != current:
            if fam in done:
                problems.append('%s: samples of %s are not contiguous' % (where, fam))
            if current is not None:
                done.add(current)
            current = fam
        key = (name, tuple(sorted(labels.items())))
        if key in seen_samples:
            problems.append('%s: sample %s%s twice' % (where, name, dict(labels)))
        seen_samples.add(key)
        samples += 1
    for p in problems:
        print(p)
    if problems:
        return 1
    print('ok %d samples' % samples)
    return 0


if __name__ == '__main__':
    sys.exit(main())
