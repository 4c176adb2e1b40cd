import { useCallback, useEffect, useState } from 'react';

export type Route = 'tasks' | 'settings' | 'signin' | 'signup';

const PATHS: Record<Route, string> = {
  tasks: '/',
  settings: '/settings',
  signin: '/signin',
  signup: '/signup',
};

export function routeFromPath(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  const found = (Object.keys(PATHS) as Route[]).find((route) => PATHS[route] === clean);
  return found ?? 'tasks';
}

/** A four-page router on the History API (nginx falls back to index.html). */
export function useRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const [route, setRoute] = useState<Route>(() => routeFromPath(window.location.pathname));

  useEffect(() => {
    const onPop = () => setRoute(routeFromPath(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((next: Route, replace = false) => {
    const path = PATHS[next];
    if (window.location.pathname !== path) {
      if (replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    setRoute(next);
  }, []);

  return [route, navigate];
}
