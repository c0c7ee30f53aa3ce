#!/usr/bin/env python3
"""Every option and command in --help is documented in the man page, and
every --format is described there and in the README.

usage: options_documented.py PACTSCAN SOURCE_ROOT
"""
import os
import re
import subprocess
import sys

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
help_text = subprocess.run([pactscan, '--help'], capture_output=True, text=True, check=True).stdout
man = open(f'{root}/src/cli/pactscan.1', encoding='utf-8').read().replace('\\-', '-')
man = re.sub(r'\\f[BIRP]', '', man)
readme = open(f'{root}/README.md', encoding='utf-8').read()
options = sorted(set(re.findall(r'(?<![\w-])(--[a-z][a-z0-9-]+)', help_text)))
commands = ['scan', 'baseline', 'merge', 'lint', 'test', 'eval', 'list']
formats = ['text', 'json', 'jsonl', 'sarif', 'junit', 'csv', 'summary', 'html']
results = []
for opt in options:
    results.append((f'{opt} is in pactscan.1', re.search(re.escape(opt) + r'\b', man) is not None))
for cmd in commands:
    results.append((f'command {cmd} is in pactscan.1', f'pactscan {cmd}' in man or f'.B {cmd}' in man
                    or f'.BR {cmd} ' in man))
for fmt in formats:
    results.append((f'--format {fmt} is in pactscan.1', re.search(rf'--format[= ]{fmt}\b', man) is not None))
    results.append((f'--format {fmt} is in README.md', re.search(rf'--format[= ]{fmt}\b', readme) is not None))
for what, ok in results:
    print(('ok   ' if ok else 'FAIL ') + what)
failed = sum(1 for _, ok in results if not ok)
print(f'{len(results) - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
