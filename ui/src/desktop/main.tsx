import { StrictMode, lazy, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createHashRouter, RouterProvider } from "react-router";
import { I18nProvider } from "../i18n";
import { Spinner } from "../components/ui";
import "../index.css";
import "./desktop.css";

const MainWindow = lazy(() => import("./MainWindow"));
const HudWindow = lazy(() => import("./HudWindow"));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, refetchOnWindowFocus: false, retry: 1 } },
});

// The desktop app's two windows load this entry: the main window at `#/`, the HUD at
// `#/hud/<meeting id>[?mode=shadow]` (hash routes: the app serves embedded files, not a server).
const router = createHashRouter([
  { path: "/", element: <MainWindow /> },
  { path: "/hud/:id", element: <HudWindow /> },
]);

const isHud = window.location.hash.startsWith("#/hud/");
document.body.classList.add(isHud ? "desktop-hud" : "desktop-main");

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={isHud ? null : <div className="flex min-h-screen items-center justify-center"><Spinner /></div>}>
          <RouterProvider router={router} />
        </Suspense>
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);
