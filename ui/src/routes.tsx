import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { RequireAuth } from "./api/auth";
import { Spinner } from "./components/ui";

const GuestPage = lazy(() => import("./pages/GuestPage"));
const HostPage = lazy(() => import("./pages/HostPage"));
const ShadowPage = lazy(() => import("./pages/ShadowPage"));
const BookingPage = lazy(() => import("./pages/BookingPage"));
const ManageBookingPage = lazy(() => import("./pages/ManageBookingPage"));
const LoginPage = lazy(() => import("./console/LoginPage"));
const HandoffPage = lazy(() => import("./pages/HandoffPage"));
const ConsoleLayout = lazy(() => import("./console/ConsoleLayout"));
const MeetingsPage = lazy(() => import("./console/MeetingsPage"));
const MeetingDetailsPage = lazy(() => import("./console/MeetingDetailsPage"));
const PlaybooksPage = lazy(() => import("./console/PlaybooksPage"));
const PlaybookEditorPage = lazy(() => import("./console/PlaybookEditorPage"));
const AvailabilityPage = lazy(() => import("./console/AvailabilityPage"));
const RecapPage = lazy(() => import("./recap/RecapPage"));
const AnalyticsPage = lazy(() => import("./analytics/AnalyticsPage"));
const WebhooksPage = lazy(() => import("./webhooks/WebhooksPage"));
const LeadsPage = lazy(() => import("./leads/LeadsPage"));
const AgentsPage = lazy(() => import("./agents/AgentsPage"));
const PhonePage = lazy(() => import("./phone/PhonePage"));
const SignUpPage = lazy(() => import("./team/SignUpPage"));
const AcceptInvitePage = lazy(() => import("./team/AcceptInvitePage"));
const TeamPage = lazy(() => import("./team/TeamPage"));
const ProfilePage = lazy(() => import("./team/ProfilePage"));
const ForgotPasswordPage = lazy(() => import("./team/ForgotPasswordPage"));
const ResetPasswordPage = lazy(() => import("./team/ResetPasswordPage"));

function Page({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="flex min-h-screen items-center justify-center bg-slate-950">
          <Spinner />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

const authed = (node: ReactNode) => (
  <Page>
    <RequireAuth>{node}</RequireAuth>
  </Page>
);

export const router = createBrowserRouter([
  { path: "/", element: <Navigate to="/console" replace /> },
  { path: "/meet/:id", element: <Page><GuestPage /></Page> },
  { path: "/book/:slug", element: <Page><BookingPage /></Page> },
  { path: "/booking/:token", element: <Page><ManageBookingPage /></Page> },
  { path: "/login", element: <Page><LoginPage /></Page> },
  { path: "/signup", element: <Page><SignUpPage /></Page> },
  { path: "/invite", element: <Page><AcceptInvitePage /></Page> },
  { path: "/forgot-password", element: <Page><ForgotPasswordPage /></Page> },
  { path: "/reset-password", element: <Page><ResetPasswordPage /></Page> },
  { path: "/handoff", element: <Page><HandoffPage /></Page> },
  { path: "/host/:id", element: authed(<HostPage />) },
  { path: "/shadow/:id", element: authed(<ShadowPage />) },
  {
    path: "/console",
    element: authed(<ConsoleLayout />),
    children: [
      { index: true, element: <Page><MeetingsPage /></Page> },
      { path: "meetings/:id", element: <Page><MeetingDetailsPage /></Page> },
      { path: "meetings/:id/recap", element: <Page><RecapPage /></Page> },
      { path: "leads", element: <Page><LeadsPage /></Page> },
      { path: "agents", element: <Page><AgentsPage /></Page> },
      { path: "phone", element: <Page><PhonePage /></Page> },
      { path: "analytics", element: <Page><AnalyticsPage /></Page> },
      { path: "webhooks", element: <Page><WebhooksPage /></Page> },
      { path: "team", element: <Page><TeamPage /></Page> },
      { path: "profile", element: <Page><ProfilePage /></Page> },
      { path: "playbooks", element: <Page><PlaybooksPage /></Page> },
      { path: "playbooks/:id", element: <Page><PlaybookEditorPage /></Page> },
      { path: "availability", element: <Page><AvailabilityPage /></Page> },
    ],
  },
  { path: "*", element: <Navigate to="/console" replace /> },
]);
