import { renderToStaticMarkup } from 'react-dom/server';
import { Alert, Button, Card, TextField } from './index';

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
});

describe('Card', () => {
  it('is a labelled region', () => {
    expect(renderToStaticMarkup(<Card label="Sign in">x</Card>)).toBe(
      '<section class="ds-card" aria-label="Sign in">x</section>',
    );
  });
});
