#!/usr/bin/env python3
"""The largest functions of a wasm module by code bytes, with their names: where the page's download goes.

The names come from the module's "name" section, which a link with --profiling-funcs keeps (the shipped app.wasm has
none). Re-link the page with names into a scratch directory and list its 40 largest functions:

  cd build/web/shell/web && sed 's| -o ../../dist/app.js| --profiling-funcs -o /tmp/named/app.js|' \\
      CMakeFiles/orchestratai-web.dir/link.txt | (mkdir -p /tmp/named && sh)
  python3 tests/bench/wasm_functions.py /tmp/named/app.wasm 40
"""
import sys


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def functions(data):
    """(body bytes, name) of every function the module defines."""
    if data[:4] != b'\0asm':
        raise SystemExit('not a wasm module')
    i, imported, names, bodies = 8, 0, {}, []
    while i < len(data):
        section = data[i]
        size, i = leb(data, i + 1)
        end = i + size
        if section == 2:  # imports: functions are numbered after the imported ones
            count, j = leb(data, i)
            for _ in range(count):
                for _ in range(2):  # module and field names
                    length, j = leb(data, j)
                    j += length
                kind = data[j]
                j += 1
                if kind == 0:
                    imported += 1
                    _, j = leb(data, j)
                elif kind == 1:  # table: element type, limits
                    flags, j = leb(data, j + 1)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 2:  # memory: limits
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:  # global: type, mutability
                    j += 2
                elif kind == 4:  # tag
                    j += 1
                    _, j = leb(data, j)
        elif section == 10:  # code
            count, j = leb(data, i)
            for _ in range(count):
                body, j = leb(data, j)
                bodies.append(body)
                j += body
        elif section == 0:
            length, j = leb(data, i)
            if data[j:j + length] == b'name':
                j += length
                while j < end:
                    sub = data[j]
                    sub_size, j = leb(data, j + 1)
                    if sub == 1:  # function names
                        count, k = leb(data, j)
                        for _ in range(count):
                            index, k = leb(data, k)
                            length, k = leb(data, k)
                            names[index] = data[k:k + length].decode(errors='replace')
                            k += length
                    j += sub_size
        i = end
    return [(body, names.get(imported + n, f'(function {imported + n}, no name)')) for n, body in enumerate(bodies)]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    rows = sorted(functions(open(sys.argv[1], 'rb').read()), reverse=True)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    print(f'{sum(b for b, _ in rows)} bytes of code in {len(rows)} functions; the {count} largest:')
    for body, name in rows[:count]:
        print(f'{body:8d}  {name[:160]}')


if __name__ == '__main__':
    main()
