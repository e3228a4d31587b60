import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commandModules, invokedCommand } from '../../src/commands/command-modules.js';

describe('invokedCommand', () => {
  it('finds the command after top-level options and their values', () => {
    assert.equal(invokedCommand(['list']), 'list');
    assert.equal(invokedCommand(['kill', ':1', '--json']), 'kill');
    assert.equal(invokedCommand(['--log-level', 'debug', 'start', ':2']), 'start');
    assert.equal(invokedCommand(['--log-level=info', 'doctor']), 'doctor');
  });

  it('gives undefined where yargs must see every command', () => {
    assert.equal(invokedCommand([]), undefined);
    assert.equal(invokedCommand(['--help']), undefined);
    assert.equal(invokedCommand(['lst']), undefined);
    assert.equal(invokedCommand([':1', '-geometry', '800x600']), undefined);
    assert.equal(invokedCommand(['--', 'list']), undefined);
    assert.equal(invokedCommand(['--get-yargs-completions', 'tsvnc', 'li']), undefined);
    assert.equal(invokedCommand(['constructor']), undefined, 'only the table own names count');
  });
});

describe('commandModules', () => {
  it('loads the invoked command alone, else all of them in help order', async () => {
    assert.deepEqual((await commandModules(['list', '--json'])).map((m) => String(m.command).split(' ')[0]), ['list']);
    assert.deepEqual((await commandModules(['--help'])).map((m) => String(m.command).split(' ')[0]),
      ['start', 'list', 'status', 'kill', 'logs', 'web', 'otp', 'passwd', 'daemon', 'probe', 'doctor']);
  });
});
