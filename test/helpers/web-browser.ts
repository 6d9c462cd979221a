import type request from 'supertest';
import type { TestApp } from './app.js';

export const setCookies = (res: request.Response): string[] => {
  const h = res.headers['set-cookie'] as string | string[] | undefined;
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
};

/** A browser without JavaScript: a cookie jar and forms posted as application/x-www-form-urlencoded. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly app: TestApp) {}

  private jar() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: request.Response) {
    for (const c of setCookies(res)) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, at), pair!.slice(at + 1)];
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  async get(path: string) {
    return this.keep(await this.app.http.get(path).set('cookie', this.jar()).set('accept-language', 'en'));
  }
  async post(path: string, form: Record<string, string>) {
    return this.keep(await this.app.http.post(path).set('cookie', this.jar()).set('accept-language', 'en').type('form').send(form));
  }
  /** The CSRF token of the page (hidden field of every form). */
  static csrf(html: string): string {
    return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  }
  async signIn(form: Record<string, string>) {
    const page = await this.get('/app/login');
    return this.post('/app/login', { _csrf: Browser.csrf(page.text), ...form });
  }
}
