import { expect, test } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

test('members: the owner is listed, invites someone, sees the pending invite and revokes it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const email = `members-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByTestId('members-nav').click();
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(page.getByTestId('members-page')).toBeVisible();
  const owner = page.getByTestId('member-row');
  await expect(owner).toHaveCount(1);
  await expect(owner).toContainText(email);
  await expect(owner).toContainText('Owner');
  // Nobody changes or removes themselves from here.
  await expect(owner.getByRole('button', { name: /Remove/ })).toHaveCount(0);
  await expect(page.getByText('No pending invitations')).toBeVisible();

  await page.getByTestId('invite-member-button').click();
  const dialog = page.getByRole('dialog', { name: 'Invite a member' });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Email').fill('grace@example.com');
  await dialog.getByLabel('Role').selectOption('admin');
  await page.screenshot({ path: `${SHOTS}/members-invite-dialog.png` });
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Invitation sent to grace@example.com.')).toBeVisible();
  const invite = page.getByTestId('invite-row');
  await expect(invite).toHaveCount(1);
  await expect(invite).toContainText('grace@example.com');
  await expect(invite).toContainText('Admin');
  await page.screenshot({ path: `${SHOTS}/members.png`, fullPage: true });

  // Inviting an existing account is refused with the API's message, not a raw error.
  await page.getByTestId('invite-member-button').click();
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog.getByText(/An account with this email already exists/)).toBeVisible();
  // The submit button was disabled while the request ran, so focus fell back to the page: Escape
  // must still close the dialog.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await invite.getByRole('button', { name: 'Revoke the invitation for grace@example.com' }).click();
  await page.getByRole('button', { name: 'Revoke invitation' }).click();
  await expect(page.getByTestId('invite-row')).toHaveCount(0);
  await expect(page.getByText('No pending invitations')).toBeVisible();

  await page.getByRole('link', { name: 'Organization' }).click();
  await expect(page.getByTestId('organization-page')).toBeVisible();
  await expect(page.getByTestId('organization-id')).toHaveText(/[0-9a-f-]{36}/);
  await page.screenshot({ path: `${SHOTS}/organization.png`, fullPage: true });
  expect(errors).toEqual([]);
});
