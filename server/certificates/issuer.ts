// The issuer as verifiers see it: an Open Badges `Profile` of the organisation, served at its own `id`.
import type { Deps } from '../deps.ts';
import type { Organisation } from './organisation.ts';

export const issuerId = (deps: Deps) => `${deps.config.publicUrl}/issuer`;
export const issuerLogoUrl = (deps: Deps) => `${deps.config.publicUrl}/issuer/logo`;

/** The Profile embedded in every credential and served as JSON at its `id`. */
export function issuerProfile(deps: Deps, organisation: Organisation) {
  return {
    id: issuerId(deps),
    type: ['Profile'],
    name: organisation.name,
    ...(organisation.url ? { url: organisation.url } : {}),
    ...(organisation.email ? { email: organisation.email } : {}),
    ...(organisation.logo ? { image: { id: issuerLogoUrl(deps), type: 'Image', caption: organisation.name } } : {}),
  };
}
