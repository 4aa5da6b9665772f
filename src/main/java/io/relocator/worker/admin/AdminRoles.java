package io.relocator.worker.admin;

/** The roles of the admin API and page: reads need {@link #VIEWER}, every mutation {@link #ADMIN}. */
public final class AdminRoles {

    public static final String ADMIN = "relocator-admin";
    public static final String VIEWER = "relocator-viewer";

    private AdminRoles() {
    }
}
