import { Layout, renderPage } from './layout.tsx';

export function renderErrorPage(status: number, title: string, message: string): string {
  return renderPage(
    <Layout title={title} narrow>
      <p>{message}</p>
      <p>
        <a href="/">Back to the start page</a> (error {status})
      </p>
    </Layout>,
  );
}
