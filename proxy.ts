import { NextResponse, type NextRequest } from "next/server";

// Next 16's proxy (formerly middleware). It only passes the path on, so the language
// switch can send the reader back to the page they were on. It never decides access:
// that is the data layer's job.
export function proxy(request: NextRequest) {
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-pathname", request.nextUrl.pathname);
  return NextResponse.next({ request: { headers: requestHeaders } });
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"],
};
