import { renderToStaticMarkup } from 'react-dom/server';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  CheckboxGroup,
  EmptyState,
  focusOnOpen,
  handleModalKeyDown,
  ConfirmDialog,
  Modal,
  strayModalKeyAction,
  modalKeyAction,
  Select,
  Spinner,
  Table,
  TextField,
} from './index';

describe('Button', () => {
  it('is a real button of type button by default, with its variant', () => {
    const html = renderToStaticMarkup(<Button>Save</Button>);

    expect(html).toBe('<button type="button" class="ds-button ds-button--primary">Save</button>');
  });

  it('is busy and disabled while loading', () => {
    const html = renderToStaticMarkup(
      <Button variant="secondary" loading type="submit" className="extra">
        Save
      </Button>,
    );

    expect(html).toContain('type="submit"');
    expect(html).toContain('class="ds-button ds-button--secondary extra"');
    expect(html).toContain('disabled=""');
    expect(html).toContain('aria-busy="true"');
  });

  it('has danger and ghost variants and a small size', () => {
    expect(renderToStaticMarkup(<Button variant="danger">Delete</Button>)).toContain('class="ds-button ds-button--danger"');
    expect(
      renderToStaticMarkup(
        <Button variant="ghost" size="sm">
          Edit
        </Button>,
      ),
    ).toContain('class="ds-button ds-button--ghost ds-button--sm"');
  });
});

describe('TextField', () => {
  it('labels its input', () => {
    const html = renderToStaticMarkup(<TextField label="Email" name="email" />);
    const id = /<input[^>]* id="([^"]+)"/.exec(html)?.[1];

    expect(id).toBeDefined();
    expect(html).toContain(`for="${id}"`);
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
  });

  it('announces hint and error through aria-describedby', () => {
    const html = renderToStaticMarkup(
      <TextField label="Password" hint="8 characters or more" error="Too short" className="wide" />,
    );
    const describedBy = /aria-describedby="([^"]+)"/.exec(html)?.[1]?.split(' ') ?? [];

    expect(html).toContain('aria-invalid="true"');
    expect(describedBy).toHaveLength(2);
    for (const id of describedBy) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('Too short');
    expect(html).toContain('class="ds-input wide"');
  });
});

describe('Alert', () => {
  it('uses role=alert for errors and role=status otherwise', () => {
    expect(renderToStaticMarkup(<Alert tone="error">Failed</Alert>)).toBe(
      '<div class="ds-alert ds-alert--error" role="alert">Failed</div>',
    );
    expect(renderToStaticMarkup(<Alert>Saved</Alert>)).toBe('<div class="ds-alert ds-alert--info" role="status">Saved</div>');
  });

  it('has warning and success tones, announced politely', () => {
    expect(renderToStaticMarkup(<Alert tone="warning">Careful</Alert>)).toBe(
      '<div class="ds-alert ds-alert--warning" role="status">Careful</div>',
    );
    expect(renderToStaticMarkup(<Alert tone="success">Done</Alert>)).toContain('ds-alert--success');
  });
});

describe('Card', () => {
  it('is a labelled region', () => {
    expect(renderToStaticMarkup(<Card label="Sign in">x</Card>)).toBe(
      '<section class="ds-card" aria-label="Sign in">x</section>',
    );
  });
});

describe('ConfirmDialog', () => {
  it('is an alert dialog with cancel first, the destructive action last, and the error inside', () => {
    const html = renderToStaticMarkup(
      <ConfirmDialog
        open
        title="Delete workflow?"
        description="It goes for good."
        confirmLabel="Delete workflow"
        busy
        error="Server said no"
        onConfirm={() => undefined}
        onCancel={() => undefined}
        confirmTestId="confirm-delete"
      />,
    );

    expect(html).toContain('role="alertdialog"');
    expect(html.indexOf('>Cancel<')).toBeLessThan(html.indexOf('>Delete workflow<'));
    expect(html).toMatch(/data-testid="confirm-delete"[^>]*aria-busy="true"|aria-busy="true"[^>]*data-testid="confirm-delete"/);
    expect(html).toContain('Server said no');
  });

  it('renders nothing while closed', () => {
    expect(
      renderToStaticMarkup(
        <ConfirmDialog
          open={false}
          title="x"
          description="y"
          confirmLabel="z"
          onConfirm={() => undefined}
          onCancel={() => undefined}
        />,
      ),
    ).toBe('');
  });
});

describe('Modal', () => {
  const attr = (html: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(html)?.[1];

  it('renders nothing while closed', () => {
    expect(renderToStaticMarkup(<Modal open={false} title="Delete" onClose={() => undefined} />)).toBe('');
  });

  it('is a modal dialog named by its title and described by its description', () => {
    const html = renderToStaticMarkup(
      <Modal
        open
        title="Delete credential"
        description="This cannot be undone."
        onClose={() => undefined}
        footer={<Button>OK</Button>}
      >
        <p>Body</p>
      </Modal>,
    );
    const labelledBy = attr(html, 'aria-labelledby');
    const describedBy = attr(html, 'aria-describedby');

    expect(html).toContain('role="dialog"');
    expect(html).toContain('aria-modal="true"');
    expect(html).toContain(`id="${labelledBy}" class="ds-modal__title">Delete credential</h2>`);
    expect(html).toContain(`id="${describedBy}" class="ds-modal__description">This cannot be undone.</p>`);
    expect(html).toContain('<div class="ds-modal__body"><p>Body</p></div>');
    expect(html).toContain('<footer class="ds-modal__footer">');
    expect(html).toContain('aria-label="Close"');
  });

  it('can be an alertdialog without description, body or footer', () => {
    const html = renderToStaticMarkup(
      <Modal open role="alertdialog" title="Sure?" closeLabel="Dismiss" onClose={() => undefined} />,
    );

    expect(html).toContain('role="alertdialog"');
    expect(html).not.toContain('aria-describedby');
    expect(html).not.toContain('ds-modal__body');
    expect(html).not.toContain('ds-modal__footer');
    expect(html).toContain('aria-label="Dismiss"');
  });
});

describe('modalKeyAction', () => {
  const items = ['first', 'middle', 'last'];

  it('closes on Escape', () => {
    expect(modalKeyAction('Escape', false, items, 'middle')).toEqual({ kind: 'close' });
  });

  it('wraps Tab from the last element to the first, and Shift+Tab from the first to the last', () => {
    expect(modalKeyAction('Tab', false, items, 'last')).toEqual({ kind: 'focus', target: 'first' });
    expect(modalKeyAction('Tab', true, items, 'first')).toEqual({ kind: 'focus', target: 'last' });
  });

  it('lets Tab move normally between inner elements', () => {
    expect(modalKeyAction('Tab', false, items, 'first')).toEqual({ kind: 'none' });
    expect(modalKeyAction('Tab', true, items, 'last')).toEqual({ kind: 'none' });
  });

  it('brings focus back inside when it is on the dialog itself', () => {
    expect(modalKeyAction('Tab', false, items, 'panel')).toEqual({ kind: 'focus', target: 'first' });
    expect(modalKeyAction('Tab', true, items, 'panel')).toEqual({ kind: 'focus', target: 'last' });
  });

  it('ignores other keys and dialogs without focusable elements', () => {
    expect(modalKeyAction('Enter', false, items, 'first')).toEqual({ kind: 'none' });
    expect(modalKeyAction('Tab', false, [], 'panel')).toEqual({ kind: 'none' });
  });
});

describe('focusOnOpen', () => {
  const focusable = (log: string[], name: string) => ({ focus: () => log.push(name) });

  it('focuses the requested element, and gives focus back on close', () => {
    const log: string[] = [];
    const panel = { ...focusable(log, 'panel'), querySelector: () => focusable(log, 'first') };

    const restore = focusOnOpen(panel, focusable(log, 'initial'), focusable(log, 'opener'));
    restore();

    expect(log).toEqual(['initial', 'opener']);
  });

  it('falls back to the first focusable element, then to the panel', () => {
    const log: string[] = [];

    focusOnOpen({ ...focusable(log, 'panel'), querySelector: () => focusable(log, 'first') }, null, null)();
    focusOnOpen({ ...focusable(log, 'panel'), querySelector: () => null }, null, { focus: 'not a function' })();
    focusOnOpen(null, null, undefined)();

    expect(log).toEqual(['first', 'panel']);
  });
});

describe('handleModalKeyDown', () => {
  function press(key: string, shiftKey: boolean, active: string, log: string[]) {
    const items = ['first', 'last'].map((name) => ({ name, focus: () => log.push(`focus ${name}`) }));
    const event = {
      key,
      shiftKey,
      currentTarget: { querySelectorAll: () => items },
      preventDefault: () => log.push('prevent'),
      stopPropagation: () => log.push('stop'),
    };
    handleModalKeyDown(
      event,
      items.find((item) => item.name === active),
      () => log.push('close'),
    );
  }

  it('closes on Escape without letting the key reach the page', () => {
    const log: string[] = [];

    press('Escape', false, 'first', log);

    expect(log).toEqual(['prevent', 'stop', 'close']);
  });

  it('wraps Tab around and leaves other keys alone', () => {
    const log: string[] = [];

    press('Tab', false, 'last', log);
    press('Tab', false, 'first', log);
    press('a', false, 'first', log);

    expect(log).toEqual(['prevent', 'stop', 'focus first']);
  });
});

describe('Table', () => {
  const rows = [
    { id: 'a', name: 'Stripe', kind: 'api_key' },
    { id: 'b', name: '<b>x</b>', kind: 'oauth2' },
  ];

  it('renders a captioned table with column and row headers, escaping cell text', () => {
    const html = renderToStaticMarkup(
      <Table
        caption="Credentials"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { id: 'name', header: 'Name', cell: (row) => row.name, isRowHeader: true },
          { id: 'kind', header: 'Type', cell: (row) => row.kind },
          { id: 'actions', header: 'Actions', cell: () => 'Edit', align: 'end', isHeaderHidden: true },
        ]}
      />,
    );

    expect(html).toContain('role="region" aria-label="Credentials" tabindex="0"');
    expect(html).toContain('<caption class="ds-visually-hidden">Credentials</caption>');
    expect(html).toContain('<th scope="col">Name</th>');
    expect(html).toContain('<th scope="col" class="ds-table__cell--end"><span class="ds-visually-hidden">Actions</span></th>');
    expect(html).toContain('<th scope="row">Stripe</th>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('<td class="ds-table__cell--end">Edit</td>');
    expect(html).not.toContain('aria-busy');
  });

  it('gives each row the test id asked for', () => {
    const html = renderToStaticMarkup(
      <Table
        caption="Credentials"
        rows={rows}
        rowKey={(row) => row.id}
        rowTestId={(row) => `row-${row.id}`}
        columns={[{ id: 'name', header: 'Name', cell: (row) => row.name }]}
      />,
    );

    expect(html).toContain('<tr data-testid="row-a">');
    expect(html).toContain('<tr data-testid="row-b">');
  });

  it('can show its caption and mark itself busy', () => {
    const html = renderToStaticMarkup(
      <Table
        caption="Events"
        isCaptionVisible
        busy
        rows={[]}
        rowKey={() => 'x'}
        columns={[{ id: 'a', header: 'A', cell: () => 'a' }]}
      />,
    );

    expect(html).toContain('<caption class="ds-table__caption">Events</caption>');
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain('<tbody></tbody>');
  });
});

describe('Badge', () => {
  it('renders its tone', () => {
    expect(renderToStaticMarkup(<Badge>Draft</Badge>)).toBe('<span class="ds-badge ds-badge--neutral">Draft</span>');
    expect(renderToStaticMarkup(<Badge tone="danger">Revoked</Badge>)).toBe(
      '<span class="ds-badge ds-badge--danger">Revoked</span>',
    );
  });
});

describe('Select', () => {
  const options = [
    { value: 'a', label: 'Alpha' },
    { value: 'b', label: 'Beta', disabled: true },
  ];

  it('labels a native select with its options', () => {
    const html = renderToStaticMarkup(<Select label="Type" name="type" options={options} defaultValue="a" />);
    const id = /<select[^>]* id="([^"]+)"/.exec(html)?.[1];

    expect(html).toContain(`<label class="ds-field__label" for="${id}">Type</label>`);
    expect(html).toContain('<option value="a" selected="">Alpha</option>');
    expect(html).toContain('<option value="b" disabled="">Beta</option>');
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
  });

  it('can hide its label visually and announces hint and error', () => {
    const html = renderToStaticMarkup(
      <Select label="Action" options={options} isLabelHidden hint="Filter" error="Pick one" className="narrow" />,
    );
    const describedBy = /aria-describedby="([^"]+)"/.exec(html)?.[1]?.split(' ') ?? [];

    expect(html).toContain('class="ds-visually-hidden"');
    expect(html).toContain('class="ds-input ds-select narrow"');
    expect(html).toContain('aria-invalid="true"');
    expect(describedBy).toHaveLength(2);
    for (const id of describedBy) expect(html).toContain(`id="${id}"`);
  });
});

describe('Checkbox', () => {
  it('is a native checkbox with its label', () => {
    const html = renderToStaticMarkup(<Checkbox label="workflows:read" name="scopes" value="workflows:read" />);
    const id = /<input[^>]* id="([^"]+)"/.exec(html)?.[1];

    expect(html).toContain('type="checkbox"');
    expect(html).toContain(`for="${id}"`);
    expect(html).not.toContain('aria-describedby');
  });

  it('describes itself with its description', () => {
    const html = renderToStaticMarkup(<Checkbox label="Audit" description="Read the audit log" className="wide" disabled />);
    const describedBy = /aria-describedby="([^"]+)"/.exec(html)?.[1];

    expect(html).toContain(`id="${describedBy}"`);
    expect(html).toContain('Read the audit log');
    expect(html).toContain('class="ds-checkbox wide"');
    expect(html).toContain('disabled=""');
  });
});

describe('CheckboxGroup', () => {
  it('is a fieldset with a legend', () => {
    const html = renderToStaticMarkup(
      <CheckboxGroup legend="Scopes">
        <Checkbox label="One" />
      </CheckboxGroup>,
    );

    expect(html).toContain('<fieldset class="ds-checkbox-group"><legend class="ds-field__label">Scopes</legend>');
    expect(html).not.toContain('aria-invalid');
  });

  it('announces hint and error for the group', () => {
    const html = renderToStaticMarkup(
      <CheckboxGroup legend="Scopes" hint="What the key may do" error="Choose at least one scope">
        <Checkbox label="One" />
      </CheckboxGroup>,
    );
    const describedBy = /<fieldset[^>]*aria-describedby="([^"]+)"/.exec(html)?.[1]?.split(' ') ?? [];

    expect(html).toContain('aria-invalid="true"');
    expect(describedBy).toHaveLength(2);
    for (const id of describedBy) expect(html).toContain(`id="${id}"`);
  });
});

describe('EmptyState', () => {
  it('shows a title, and a description and action when given', () => {
    expect(renderToStaticMarkup(<EmptyState title="No keys yet" />)).toBe(
      '<div class="ds-empty-state"><p class="ds-empty-state__title">No keys yet</p></div>',
    );
    const html = renderToStaticMarkup(
      <EmptyState title="No keys yet" description="Create one" action={<Button>New key</Button>} />,
    );
    expect(html).toContain('<p class="ds-empty-state__description">Create one</p>');
    expect(html).toContain('<div class="ds-empty-state__action"><button');
  });
});

describe('Spinner', () => {
  it('is a status with a hidden label', () => {
    expect(renderToStaticMarkup(<Spinner />)).toBe(
      '<span class="ds-spinner ds-spinner--md" role="status"><span class="ds-spinner__circle" aria-hidden="true"></span><span class="ds-visually-hidden">Loading</span></span>',
    );
    expect(renderToStaticMarkup(<Spinner size="sm" label="Loading keys" />)).toContain('Loading keys');
  });
});

describe('strayModalKeyAction', () => {
  it('closes the topmost dialog on Escape when focus fell outside every dialog', () => {
    expect(strayModalKeyAction('Escape', false, true)).toBe('close');
    expect(strayModalKeyAction('Tab', false, true)).toBe('focus');
  });

  it('leaves keys alone inside a dialog, under another dialog, and for other keys', () => {
    expect(strayModalKeyAction('Escape', true, true)).toBe('none');
    expect(strayModalKeyAction('Escape', false, false)).toBe('none');
    expect(strayModalKeyAction('Enter', false, true)).toBe('none');
  });
});
