pragma Singleton
pragma ComponentBehavior: Bound
import QtQuick

// The one palette and the sizes: one accent, one warning, one success colour and neutral
// greys; an 8 px grid; body text 14 px, secondary 12 px; two font weights. Light or dark
// follows the system palette (Qt 6.4 has no colour-scheme hint; the window colour tells).
QtObject {
    id: theme

    readonly property SystemPalette system: SystemPalette { colorGroup: SystemPalette.Active }
    // "dark" or "light" to override the system (tests); the shell's TAVERN_THEME=dark|light
    // sets the application palette instead, which this follows.
    property string forced: ""
    readonly property bool dark: forced === "dark" || (forced !== "light" && system.window.hslLightness < 0.5)

    readonly property color accent: dark ? "#7aa2ff" : "#2f62d0"
    readonly property color accentText: dark ? "#0d1b3a" : "#ffffff"
    readonly property color accentSoft: dark ? "#23304d" : "#e8effd"
    readonly property color warning: dark ? "#f59e4b" : "#b95000"
    readonly property color warningSoft: dark ? "#3b2a1a" : "#fff3e6"
    readonly property color success: dark ? "#5cc88a" : "#1d7f46"
    readonly property color successSoft: dark ? "#1c3326" : "#e7f5ec"

    readonly property color background: dark ? "#1b1d21" : "#ffffff"
    readonly property color surface: dark ? "#222529" : "#f5f6f8"
    readonly property color sunken: dark ? "#2a2d32" : "#eceef1"
    readonly property color selected: dark ? "#2f343b" : "#e3e7ec"
    readonly property color border: dark ? "#393d44" : "#d8dbe0"
    readonly property color text: dark ? "#e8eaed" : "#1d2025"
    readonly property color textSecondary: dark ? "#a7adb5" : "#5c636d"
    readonly property color textMuted: dark ? "#80868f" : "#8a9099"

    readonly property int unit: 8
    readonly property int spacing: 8
    readonly property int padding: 16
    readonly property int radius: 6
    readonly property int bodySize: 14
    readonly property int smallSize: 12
    readonly property int titleSize: 18
    readonly property int normal: Font.Normal
    readonly property int bold: Font.DemiBold
    readonly property string mono: "DejaVu Sans Mono"
    readonly property int controlHeight: 32

    // A stable colour for a username (rooms get theirs from the model).
    function userColor(name: string): color {
        let h = 0
        for (let i = 0; i < name.length; ++i)
            h = (h * 31 + name.charCodeAt(i)) % 360
        return Qt.hsla(h / 360, 0.45, 0.45, 1)
    }
}
