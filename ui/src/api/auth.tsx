import { useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import type { User } from "../bindings/User";
import { currentUser, onSessionChange } from "./client";

export function useUser(): User | null {
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(setUser), []);
  return user;
}

/** Renders children for a signed-in user, else redirects to the sign-in page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const user = useUser();
  const location = useLocation();
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}
