import type { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { ROLES } from '../auth/auth-types.js';
import { html } from './html.js';
import { actionButton, csrfField, ctxOf, page, requireRead } from './web-layout.js';
import { Id, postAction, sendPage } from './web-respond.js';
import { MIN_PASSWORD } from './web-sessions.js';

const CreateBody = z.object({
  username: z.string().max(80),
  displayName: z.string().max(200).default(''),
  role: z.enum(ROLES),
  providerId: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  password: z.string().max(500),
});

export function mountUserPages(r: Router, services: Services): void {
  r.get('/users', async (_req, res) => {
    const c = ctxOf(res);
    // Users are credentials like API tokens: administrators only (decision 0003).
    requireRead(c, 'tokens');
    const [users, providers] = await Promise.all([
      services.webSessions.listUsers(c.who),
      services.providers.list(c.who, {}, { limit: 1000, offset: 0 }),
    ]);
    const names = new Map(providers.items.map((p) => [p.id, `${p.name} (${p.ref})`]));
    const body = html`
      <p class="help">${c.t.usersHelp}</p>
      <table>
        <caption>${c.t.usersTitle} (${users.length})</caption>
        <thead><tr><th scope="col">${c.t.username}</th><th scope="col">${c.t.displayName}</th><th scope="col">${c.t.role}</th><th scope="col">${c.t.provider}</th><th scope="col">${c.t.actions}</th></tr></thead>
        <tbody>${users.map(
          (u) => html`<tr>
            <th scope="row">${u.username}</th>
            <td>${u.displayName}</td>
            <td>${c.t[`role_${u.role}`]}${u.disabledAt ? html` <span class="badge rejected">${c.t.disabled}</span>` : ''}</td>
            <td>${u.providerId !== null ? (names.get(u.providerId) ?? u.providerId) : c.t.none}</td>
            <td>${u.disabledAt ? '' : actionButton(c, `/app/users/${u.id}/disable`, c.t.disable, { secondary: true, back: '/app/users', name: `${c.t.disable} ${u.username}` })}</td>
          </tr>`,
        )}</tbody>
      </table>
      <h2>${c.t.createUser}</h2>
      <form method="post" action="/app/users" class="stack">
        ${csrfField(c)}
        <label>${c.t.username}<input type="text" name="username" required pattern="[a-z0-9._@\\-]{3,80}" autocomplete="off"></label>
        <label>${c.t.displayName}<input type="text" name="displayName" maxlength="200"></label>
        <label>${c.t.role}<select name="role" required>${ROLES.map((role) => html`<option value="${role}">${c.t[`role_${role}`]}</option>`)}</select></label>
        <label>${c.t.provider}<select name="providerId"><option value="">${c.t.none}</option>${providers.items.map((p) => html`<option value="${p.id}">${p.name} (${p.ref})</option>`)}</select></label>
        <label>${c.t.password}<input type="password" name="password" required minlength="${MIN_PASSWORD}" autocomplete="new-password"></label>
        <div><button type="submit">${c.t.createUser}</button></div>
      </form>`;
    sendPage(res, page(c, { title: c.t.usersTitle, current: '/app/users', body }));
  });

  postAction(r, services, '/users', 'tokens', async (c, req) => {
    const b = CreateBody.parse(req.body);
    const u = await services.webSessions.createUser(c.who, {
      username: b.username,
      displayName: b.displayName,
      role: b.role,
      providerId: b.providerId ? b.providerId : null,
      password: b.password,
    });
    return { message: `${c.t.userCreated}: ${u.username}`, next: '/app/users' };
  });
  postAction(r, services, '/users/:id/disable', 'tokens', async (c, req) => {
    await services.webSessions.disableUser(c.who, Id.parse(req.params.id));
    return { message: c.t.userDisabled, next: '/app/users' };
  });
}
