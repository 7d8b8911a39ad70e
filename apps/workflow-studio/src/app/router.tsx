import { createBrowserRouter, Navigate } from 'react-router';
import { LoginRoute } from './routes/login-route';
import { NotFoundRoute } from './routes/not-found-route';

export const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/login" replace /> },
  { path: '/login', element: <LoginRoute /> },
  { path: '*', element: <NotFoundRoute /> },
]);
