import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function register(page: Page, email: string, password = PASSWORD) {
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(password);
  await page.getByTestId('register-button').click();
}

test('register, sign out and sign in again', async ({ page }) => {
  const email = uniqueEmail('ada');

  await register(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('user-email')).toContainText(email);
  await expect(page.getByText('Confirm your email address')).toBeVisible();
  await page.screenshot({ path: 'test-results/dashboard.png' });

  await page.getByTestId('logout-button').click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByTestId('email-input').fill(email);
  await page.getByTestId('password-input').fill(PASSWORD);
  await page.getByTestId('login-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Welcome, Ada' })).toBeVisible();
});

test('a reload keeps the session, and signed-out visitors are sent to sign in', async ({ page, context }) => {
  await register(page, uniqueEmail('reload'));
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.reload();
  await expect(page.getByTestId('logout-button')).toBeVisible();

  await context.clearCookies();
  await page.reload();
  await expect(page).toHaveURL(/\/login$/);
});

test('wrong password and common password show clear messages', async ({ page }) => {
  const email = uniqueEmail('mistakes');
  await register(page, email, 'password123');
  await expect(page.getByText('This password is too common; choose a less predictable one')).toBeVisible();
  await expect(page.getByTestId('register-password-input')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: 'test-results/register.png' });

  await page.goto('/login');
  await page.getByTestId('email-input').fill(email);
  await page.getByTestId('password-input').fill('not the password');
  await page.getByTestId('login-button').click();
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
});
