import { StrictMode, lazy, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createHashRouter, RouterProvider } from "react-router";
import { I18nProvider } from "../i18n";
import { Spinner } from "../components/ui";
import "../index.css";
import { installDesktopSession } from "./session";
import "./desktop.css";

const MainWindow = lazy(() => import("./MainWindow"));
const TodayPage = lazy(() => import("./TodayPage"));
const RecapPage = lazy(() => import("../recap/RecapPage"));
const PlaybooksPage = lazy(() => import("../console/PlaybooksPage"));
const PlaybookEditorPage = lazy(() => import("../console/PlaybookEditorPage"));
const SettingsPage = lazy(() => import("./SettingsPage"));
const HudWindow = lazy(() => import("./HudWindow"));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, refetchOnWindowFocus: false, retry: 1 } },
});

// The desktop app's two windows load this entry: the main window at `#/` (today's meetings,
// `#/meetings/<id>/recap`, `#/playbooks[/<id>]`, `#/settings`), the HUD at
// `#/hud/<meeting id>[?mode=shadow]` (hash routes: the app serves embedded files, not a server).
const router = createHashRouter([
  {
    path: "/",
    element: <MainWindow />,
    children: [
      { index: true, element: <TodayPage /> },
      // No exports here: the web view opens no tabs and keeps no downloads.
      { path: "meetings/:id/recap", element: <RecapPage backTo="/" exports={false} /> },
      { path: "playbooks", element: <PlaybooksPage /> },
      { path: "playbooks/:id", element: <PlaybookEditorPage /> },
      { path: "settings", element: <SettingsPage /> },
    ],
  },
  { path: "/hud/:id", element: <HudWindow /> },
]);

const isHud = window.location.hash.startsWith("#/hud/");
document.body.classList.add(isHud ? "desktop-hud" : "desktop-main");

const render = () =>
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

// The API session first: the reused web components call the backend from their first render.
installDesktopSession().then(render, (e: unknown) => {
  console.error("cannot set up the API session", e);
  render();
});
